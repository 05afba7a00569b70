/// The one error type of the TSDB module: what went wrong (`code`), a message
/// naming the series, time or file involved, and the underlying cause if any.
public struct TSDBError: Error, Sendable, CustomStringConvertible {
    /// The kinds of failure a caller may want to react to differently.
    public enum Code: String, Sendable {
        /// The sample's timestamp is outside ±2^62 ms.
        case outOfBounds
        /// The sample is older than now minus the retention: it would be deleted at once.
        case beyondRetention
        /// A cardinality or query-size limit was hit.
        case limit
        /// A series reference is not (or no longer) known to the head.
        case unknownSeries
        /// Bytes on disk do not decode.
        case corrupt
        /// A file operation failed.
        case io
        /// The caller passed something invalid (options, labels).
        case invalidArgument
    }

    public let code: Code
    public let message: String
    public let cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code.rawValue): \(message) (\(cause))" }
        return "\(code.rawValue): \(message)"
    }
}
