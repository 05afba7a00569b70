/// The one error type of the `Codecs` module: a decoder rejected some input.
///
/// It names what went wrong (`code`, `message`) and where (`line`, `byteOffset`,
/// the offending `text`), so an ingest endpoint can report it in the shape the
/// compatible API uses and keep the rest of the body.
public struct CodecError: Error, Sendable, CustomStringConvertible {
    /// Which decoder rejected the input.
    public enum Code: String, Sendable {
        case lineProtocol = "line_protocol"
        case prometheusText = "prometheus_text"
        case syslog
    }

    public var code: Code
    /// Why the input was rejected, in the wording of the compatible system where
    /// there is one (InfluxDB's "missing fields", "bad timestamp", ...).
    public var message: String
    /// 1-based line number in the body where the rejected line starts.
    public var line: Int
    /// Byte offset of the rejected line in the body.
    public var byteOffset: Int
    /// The rejected line, truncated to `CodecError.maxTextLength` bytes.
    public var text: String
    /// The underlying error, when another layer caused this one.
    public var cause: (any Error & Sendable)?

    /// How much of a rejected line an error keeps.
    public static let maxTextLength = 1024

    public init(code: Code, message: String, line: Int, byteOffset: Int, text: String,
                cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.byteOffset = byteOffset
        self.text = text
        self.cause = cause
    }

    /// InfluxDB's spelling of the same message: `unable to parse '<line>': <reason>`.
    public var influxDescription: String { "unable to parse '\(text)': \(message)" }

    public var description: String { "line \(line) (byte \(byteOffset)): \(message): \(text)" }

    /// Decodes up to `maxTextLength` bytes of a line for an error report, without
    /// cutting a UTF-8 sequence in half.
    static func excerpt(_ bytes: UnsafeRawBufferPointer) -> String {
        var end = min(bytes.count, maxTextLength)
        if end < bytes.count {
            // Step back over continuation bytes so the cut falls on a character boundary.
            while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
    }
}
