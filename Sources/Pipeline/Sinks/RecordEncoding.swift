import PetrelCore

/// How the `file` and `console` sinks turn a record into text lines.
public enum RecordEncoding: String, Sendable, CaseIterable {
    /// The value as lines: metric records (`petrel-format` header) hold line
    /// protocol lines, log records one JSON object; a missing final newline is added.
    case auto
    /// One JSON object a line: a value that already is a JSON object as it is,
    /// any other value as `{"timestamp":<ms>,"message":"<value>"}`.
    case json
    /// Like `auto`, named for configs that read metric topics.
    case lineProtocol = "line_protocol"
    /// The value's bytes followed by one newline, always (nothing checked).
    case raw

    /// Reads `encoding:` of a sink section; `auto` when absent.
    public static func read(_ section: inout ConfigSection) throws(ConfigError) -> RecordEncoding {
        guard let text = try section.string("encoding") else { return .auto }
        guard let encoding = RecordEncoding(rawValue: text) else {
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            throw section.error("encoding", "expected one of \(known), got \"\(text)\"")
        }
        return encoding
    }

    /// Appends `record` to `out` as complete lines (each ends with a newline).
    /// A record with no value writes nothing.
    public func append(_ record: Record, to out: inout [UInt8]) {
        guard let value = record.value, !value.isEmpty else { return }
        switch self {
        case .auto, .lineProtocol:
            out.append(contentsOf: value)
            if value.last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
        case .raw:
            out.append(contentsOf: value)
            out.append(UInt8(ascii: "\n"))
        case .json:
            if value.first == UInt8(ascii: "{") && value.last == UInt8(ascii: "}") && !value.contains(UInt8(ascii: "\n")) {
                out.append(contentsOf: value)
            } else {
                var writer = JSONWriter(capacity: value.count + 48)
                writer.raw("{\"timestamp\":")
                writer.raw(String(record.timestamp))
                writer.raw(",\"message\":")
                writer.string(String(decoding: value, as: UTF8.self))
                writer.raw("}")
                out.append(contentsOf: Array(writer.text.utf8))
            }
            out.append(UInt8(ascii: "\n"))
        }
    }
}
