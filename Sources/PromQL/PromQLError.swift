/// A byte range in the query text, used to point errors at the part of the query they are about.
public struct PositionRange: Hashable, Sendable {
    /// Byte offset of the first byte.
    public var start: Int
    /// Byte offset just past the last byte.
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public static let zero = PositionRange(start: 0, end: 0)
}

/// The one error type of the PromQL module: what went wrong (in the categories of the
/// Prometheus HTTP API's `errorType`), a message in Prometheus' words and, for parse
/// errors, where in the query.
public struct PromQLError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The error categories the Prometheus HTTP API reports.
    public enum Kind: String, Sendable, Equatable {
        /// The query does not parse or does not type-check (`bad_data`).
        case badData = "bad_data"
        /// The query parsed but could not be evaluated (`execution`).
        case execution
        /// The query ran longer than allowed (`timeout`).
        case timeout
        /// The query was abandoned (`canceled`).
        case canceled
    }

    public var kind: Kind
    /// The message as Prometheus would print it; for parse errors it starts with `line:col: parse error:`.
    public var message: String
    /// Where in the query, for parse errors.
    public var position: PositionRange?
    /// The underlying error, when another layer (storage) failed.
    public var cause: (any Error & Sendable)?

    public init(_ kind: Kind, _ message: String, position: PositionRange? = nil, cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
        self.cause = cause
    }

    public var description: String { message }

    public static func == (lhs: PromQLError, rhs: PromQLError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.position == rhs.position
    }

    /// A parse error whose message names the line and column of `position` in `query`, like
    /// Prometheus' `ParseErr`: `1:5: parse error: unexpected ...`.
    static func parse(_ detail: String, at position: PositionRange, in query: [UInt8]) -> PromQLError {
        let pos = position.start
        let prefix: String
        if pos < 0 || pos > query.count {
            prefix = "invalid position:"
        } else {
            var line = 1
            var lastLineBreak = -1
            for i in 0..<pos where query[i] == UInt8(ascii: "\n") {
                lastLineBreak = i
                line += 1
            }
            prefix = "\(line):\(pos - lastLineBreak):"
        }
        return PromQLError(.badData, "\(prefix) parse error: \(detail)", position: position)
    }

    static let tooManySamples = PromQLError(
        .execution, "query processing would load too many samples into memory in query execution")
}
