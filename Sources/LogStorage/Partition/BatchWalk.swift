import PetrelCore

/// Picks, segment by segment, the run of whole stored batches a read returns,
/// reading only batch headers: batches ending at or before `minOffset` are
/// skipped, the walk stops at the high watermark and once `maxBytes` are
/// taken, and the first batch taken always goes whole, however large (Kafka's
/// Fetch rule). Headers are read through a small window, so a segment of many
/// small batches costs a few reads, and one of large batches a read per batch.
struct BatchWalk {
    let minOffset: Int64
    let highWatermark: Int64
    let maxBytes: Int
    /// Bytes taken so far, over every segment walked.
    private(set) var taken = 0
    /// True once the read is complete (nothing after this point is taken).
    private(set) var done = false
    private var window = [UInt8](repeating: 0, count: BatchWalk.windowBytes)

    /// How much one header read fetches.
    static let windowBytes = 8192

    init(minOffset: Int64, highWatermark: Int64, maxBytes: Int) {
        self.minOffset = minOffset
        self.highWatermark = highWatermark
        self.maxBytes = maxBytes
    }

    /// Walks `segment` from `start` (a batch boundary) to `end` (its size when
    /// the read began); returns the byte range taken there, empty when none.
    mutating func run(segment: Segment, start: Int, end: Int) throws(LogStorageError) -> (start: Int, end: Int) {
        var position = start
        var first: Int?
        var windowStart = 0
        var windowCount = 0
        while position < end {
            if position + RecordBatchHeader.size > windowStart + windowCount {
                let want = min(Self.windowBytes, end - position)
                guard want >= RecordBatchHeader.size else { break }
                windowCount = try fill(want, from: segment, at: position)
                windowStart = position
                guard windowCount >= RecordBatchHeader.size else { break }
            }
            let relative = position - windowStart
            let parsed = window.withUnsafeBytes {
                RecordBatch.parseHeader(UnsafeRawBufferPointer(rebasing: $0[relative..<windowCount]))
            }
            guard let header = parsed, header.totalSize >= RecordBatchHeader.size, position + header.totalSize <= end else {
                throw LogStorageError(.corruptBatch, "\(segment.logPath): unreadable batch header at byte \(position)")
            }
            let size = header.totalSize
            if header.baseOffset >= highWatermark {
                done = true
                break
            }
            if header.nextOffset <= minOffset {
                position += size
                continue
            }
            if taken > 0 && taken + size > maxBytes {
                done = true
                break
            }
            if first == nil { first = position }
            taken += size
            position += size
            if taken >= maxBytes {
                done = true
                break
            }
        }
        guard let first else { return (start, start) }
        return (first, position)
    }

    /// Reads `count` bytes at `position` into the window; returns how many arrived.
    private mutating func fill(_ count: Int, from segment: Segment, at position: Int) throws(LogStorageError) -> Int {
        let result: Result<Int, LogStorageError> = window.withUnsafeMutableBytes { buffer in
            do throws(LogStorageError) {
                return .success(try FileIO.preadSome(segment.fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]),
                                                     at: position, path: segment.logPath))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
