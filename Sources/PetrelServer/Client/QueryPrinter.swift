import Foundation

/// Renders a Prometheus query API answer for a terminal: an aligned table (series, value,
/// time) for vectors and scalars, one block per series for matrices, or the `data` object
/// as JSON. Errors come back as `error (<errorType>): <message>`.
public enum QueryPrinter {
    public enum Output: Equatable, Sendable {
        /// Text for standard output.
        case text(String)
        /// An error line for standard error (the command then exits non-zero).
        case error(String)
    }

    /// The output for one answer `body` with HTTP `status`; `json` prints the `data` object.
    public static func render(status: Int, body: [UInt8], json: Bool) -> Output {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            let text = String(decoding: body.prefix(500), as: UTF8.self)
            return .error("error (HTTP \(status)): \(text.isEmpty ? "empty answer" : text)")
        }
        if object["status"] as? String != "success" {
            let kind = object["errorType"] as? String ?? "HTTP \(status)"
            return .error("error (\(kind)): \(object["error"] as? String ?? "unknown error")")
        }
        guard let data = object["data"] else { return .error("error: the answer has no data") }
        if json {
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
            let bytes = (try? JSONSerialization.data(withJSONObject: data, options: options)) ?? Data()
            return .text(String(decoding: bytes, as: UTF8.self) + "\n")
        }
        guard let result = data as? [String: Any], let type = result["resultType"] as? String else {
            return .text("\(data)\n")
        }
        switch type {
        case "vector":
            let rows = (result["result"] as? [[String: Any]] ?? []).map { sample -> [String] in
                let pair = sample["value"] as? [Any] ?? []
                return [series(sample["metric"]), pair.count > 1 ? "\(pair[1])" : "", time(pair.first)]
            }
            return .text(rows.isEmpty ? "(empty vector)\n" : table(["SERIES", "VALUE", "TIME"], rows))
        case "scalar", "string":
            let pair = result["result"] as? [Any] ?? []
            return .text(table(["SCALAR", "TIME"], [[pair.count > 1 ? "\(pair[1])" : "", time(pair.first)]]))
        case "matrix":
            let all = result["result"] as? [[String: Any]] ?? []
            if all.isEmpty { return .text("(empty matrix)\n") }
            var out = ""
            for (i, s) in all.enumerated() {
                if i > 0 { out += "\n" }
                out += series(s["metric"]) + "\n"
                let rows = (s["values"] as? [[Any]] ?? []).map { pair in
                    ["  " + time(pair.first), pair.count > 1 ? "\(pair[1])" : ""]
                }
                out += table(nil, rows)
            }
            return .text(out)
        default:
            return .text("\(data)\n")
        }
    }

    /// `name{a="x", b="y"}` with the name first, as Prometheus prints series.
    static func series(_ metric: Any?) -> String {
        let labels = metric as? [String: String] ?? [:]
        let name = labels["__name__"] ?? ""
        let rest = labels.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\"\(escape($0.value))\"" }
        if rest.isEmpty { return name.isEmpty ? "{}" : name }
        return name + "{" + rest.joined(separator: ", ") + "}"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A Unix time in seconds as RFC 3339 UTC with milliseconds.
    static func time(_ value: Any?) -> String {
        guard let seconds = (value as? NSNumber)?.doubleValue else { return "" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// Columns padded to the widest cell, two spaces apart.
    static func table(_ header: [String]?, _ rows: [[String]]) -> String {
        let all = (header.map { [$0] } ?? []) + rows
        guard let columns = all.map(\.count).max(), columns > 0 else { return "" }
        var widths = Array(repeating: 0, count: columns)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            out += line + "\n"
        }
        return out
    }
}
