/// Why a record batch could not be read: the one error type of the record
/// batch codec, with a code to map to Kafka errors, a message naming what and
/// where, and the underlying cause when there is one.
public struct RecordBatchError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Fewer bytes than the batch claims.
        case truncated
        /// A magic byte other than 2.
        case unsupportedMagic
        /// The stored CRC-32C does not match the bytes.
        case crcMismatch
        /// A compression codec this build cannot decode (snappy, lz4, zstd).
        case unsupportedCompression
        /// Inconsistent lengths, counts or varints inside the batch.
        case corrupt
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
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}

/// `withUnsafeBytes` that keeps the body's typed error (the standard one
/// rethrows as `any Error`).
@inline(__always)
func withBytes<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = bytes.withUnsafeBytes { buffer in
        do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}
