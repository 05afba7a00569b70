/// Why a pipeline component could not be built or run, with a code callers
/// can act on and a message that names the component.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The configuration is invalid (the ConfigError list says where).
        case invalidConfig
        /// A component could not start: a port is taken, a file cannot be opened.
        case startFailed
        /// A component's destination refused data (full disk, closed store).
        case writeFailed
        /// Input that cannot be decoded.
        case badInput
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
        cause.map { "\(message): \($0)" } ?? message
    }
}
