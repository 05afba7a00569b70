import Hummingbird
import PetrelCore
import PromQL

/// Prometheus HTTP API error bodies, status codes and parameter parsing.
enum PrometheusAPI {
    struct Failure: Error {
        enum Kind: String { case badData = "bad_data", execution, timeout, canceled, `internal`, unavailable }
        let kind: Kind
        let message: String

        var status: HTTPResponse.Status {
            switch kind {
            case .badData: return .badRequest
            case .execution: return .unprocessableContent
            case .timeout, .unavailable: return .serviceUnavailable
            case .canceled: return .init(code: 499)
            case .internal: return .internalServerError
            }
        }
    }

    /// `{"status":"error","errorType":...,"error":...}` at the kind's status, or at
    /// `status` when given; `extra` may append fields (each starting with a comma).
    static func error(_ failure: Failure, status: HTTPResponse.Status? = nil,
                      extra: (inout JSONWriter) -> Void = { _ in }) -> Response {
        var json = JSONWriter()
        json.raw("{\"status\":\"error\",\"errorType\":")
        json.string(failure.kind.rawValue)
        json.raw(",\"error\":")
        json.string(failure.message)
        extra(&json)
        json.raw("}")
        return .json(json.bytes, status: status ?? failure.status)
    }

    /// `{"status":"success","data":<data>}` with `data` written by `body`.
    static func success(_ body: (inout JSONWriter) -> Void) -> Response {
        var json = JSONWriter(capacity: 4096)
        json.raw("{\"status\":\"success\",\"data\":")
        body(&json)
        json.raw("}")
        return .json(json.bytes)
    }

    /// Query string and, for form-encoded POSTs, body parameters together (as Prometheus reads them).
    static func parameters(_ request: Request) async throws -> FormParameters {
        var params = FormParameters(encoded: Array((request.uri.query ?? "").utf8))
        if request.method == .post {
            let type = request.headers[.contentType]?.lowercased() ?? ""
            if type.hasPrefix("application/x-www-form-urlencoded") {
                var body = try await request.body.collect(upTo: 8 << 20)
                params.append(encoded: body.readBytes(length: body.readableBytes) ?? [])
            }
        }
        return params
    }

    /// A timestamp as Prometheus accepts it: Unix seconds (fractional allowed) or RFC 3339. Returns ms.
    static func time(_ text: String?, name: String, default fallback: Int64) throws -> Int64 {
        guard let text, !text.isEmpty else { return fallback }
        if let seconds = Double(text), seconds.isFinite {
            return Int64((seconds * 1000).rounded())
        }
        if let ms = RFC3339.millis(text) { return ms }
        throw Failure(kind: .badData, message: "invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid timestamp")
    }

    /// A step or timeout: a Prometheus duration (`15s`) or float seconds. Returns ms.
    static func duration(_ text: String, name: String) throws -> Int64 {
        if let seconds = Double(text), seconds.isFinite {
            let ms = Int64((seconds * 1000).rounded())
            if ms <= 0 { throw Failure(kind: .badData, message: "invalid parameter \"\(name)\": zero or negative query resolution step widths are not accepted. Try a positive integer") }
            return ms
        }
        if let ms = DurationText.millis(text), ms > 0 { return ms }
        throw Failure(kind: .badData, message: "invalid parameter \"\(name)\": cannot parse \"\(text)\" to a valid duration")
    }

    /// The earliest and latest times Prometheus uses for "no bound".
    static let minTime: Int64 = -9_223_372_036_854_775 // ≈ math.MinInt64 / 1000
    static let maxTime: Int64 = 9_223_372_036_854_775

    /// `match[]` selectors parsed into matcher lists.
    static func matchers(_ params: FormParameters, required: Bool) throws -> [[LabelMatcher]] {
        let selectors = params.all("match[]")
        if selectors.isEmpty && required {
            throw Failure(kind: .badData, message: "no match[] parameter provided")
        }
        return try selectors.map { text in
            do {
                return try SeriesSelector.parse(text)
            } catch let error as PromQLError {
                throw Failure(kind: .badData, message: "invalid parameter \"match[]\": \(error.message)")
            }
        }
    }
}

/// RFC 3339 timestamps (`2015-07-01T20:10:51.781Z`, `...+02:00`) to Unix milliseconds.
enum RFC3339 {
    static func millis(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45, let day = num(8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 32,
              let hour = num(11, 2), b[13] == 58, let minute = num(14, 2), b[16] == 58, let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fractionMs = 0
        if i < b.count && b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { fractionMs = fractionMs * 10 + Int(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<3 where digits < 3 { fractionMs *= 10 }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2), i + 6 == b.count {
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        } else {
            return nil
        }
        // Days from the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Int64(seconds) * 1000 + Int64(fractionMs)
    }
}
