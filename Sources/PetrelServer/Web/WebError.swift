import Foundation
import Hummingbird

/// A failure of the web UI's APIs (dashboards, import, live stream): an HTTP
/// status, a Prometheus-style error type, a message that names what was wrong,
/// and the underlying error when there is one.
struct WebError: Error, CustomStringConvertible {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    let cause: (any Error)?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, cause: (any Error)? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.cause = cause
    }

    static func badData(_ message: String, cause: (any Error)? = nil) -> WebError {
        WebError(.badRequest, "bad_data", message, cause: cause)
    }

    static func notFound(_ message: String) -> WebError { WebError(.notFound, "not_found", message) }

    var description: String {
        cause.map { "\(message): \($0)" } ?? message
    }

    /// `{"status":"error","errorType":…,"error":…}` with the status code.
    var response: Response {
        WebJSON.response(["status": "error", "errorType": code, "error": description], status: status)
    }
}

/// JSON bodies of the web APIs, written with Foundation: dashboards are
/// free-form Grafana-model documents, so they stay `[String: Any]` trees.
enum WebJSON {
    static func encode(_ object: Any, pretty: Bool = false) -> [UInt8] {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: options) else {
            return Array(#"{"status":"error","errorType":"internal","error":"response is not representable as JSON"}"#.utf8)
        }
        return [UInt8](data)
    }

    static func response(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        .json(encode(object), status: status)
    }

    /// `{"status":"success","data":…}`.
    static func success(_ data: Any) -> Response { response(["status": "success", "data": data]) }

    /// Parses a JSON object; anything else is a `bad_data` error naming `what`.
    static func object(_ bytes: [UInt8], what: String) throws -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw WebError.badData("\(what) is not valid JSON", cause: error)
        }
        guard let object = parsed as? [String: Any] else {
            throw WebError.badData("\(what) must be a JSON object")
        }
        return object
    }
}
