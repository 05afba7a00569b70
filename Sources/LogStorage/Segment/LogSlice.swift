/// A run of whole stored record batches inside one segment file: what a
/// Fetch sends without copying (sendfile from `fileDescriptor`).
///
/// The slice keeps its segment, and so the segment's open descriptor, alive:
/// a sender that holds the slice until its write has finished may use
/// `fileDescriptor` even if retention deletes the segment meanwhile (the
/// descriptor is closed only when the last reference to the segment goes).
/// The sender must not close the descriptor itself.
public struct LogSlice: Sendable {
    let segment: Segment
    /// Where the run starts in the file.
    public let position: Int
    /// How many bytes it covers.
    public let count: Int

    init(segment: Segment, position: Int, count: Int) {
        self.segment = segment
        self.position = position
        self.count = count
    }

    /// The segment file's descriptor, valid while this slice (or a copy) lives.
    public var fileDescriptor: Int32 { segment.fd }

    /// The file's path, for messages.
    public var path: String { segment.logPath }

    /// The bytes, read from the file.
    public func read() throws(LogStorageError) -> [UInt8] {
        let bytes = try FileIO.pread(segment.fd, count: count, at: position, path: segment.logPath)
        guard bytes.count == count else {
            throw LogStorageError(.io, "\(segment.logPath): \(bytes.count) of \(count) bytes at \(position) could be read")
        }
        return bytes
    }

    /// Reads the bytes into `destination`, which must hold exactly `count` bytes.
    public func read(into destination: UnsafeMutableRawBufferPointer) throws(LogStorageError) {
        precondition(destination.count == count, "a LogSlice reads into a buffer of its own size")
        try FileIO.preadAll(segment.fd, into: destination, at: position, path: segment.logPath)
    }
}
