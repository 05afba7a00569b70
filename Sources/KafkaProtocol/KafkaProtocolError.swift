/// The one error type of KafkaProtocol: a code, a message naming the API,
/// version and field where decoding failed, and the underlying cause.
public struct KafkaProtocolError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The bytes ended inside a field.
        case truncated
        /// A length, count or value is out of range (negative length, huge array).
        case invalidValue
        /// The API key is not one this broker knows.
        case unknownApi
        /// The API is known but not at this version.
        case unsupportedVersion
        /// Bytes were left over after the message.
        case trailingBytes
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let cause { text += " (caused by \(cause))" }
        return text
    }
}
