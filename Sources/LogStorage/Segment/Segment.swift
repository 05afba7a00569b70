import PetrelCore
#if canImport(Glibc)
import Glibc
#endif

/// One file of a partition log: consecutive record batches starting at
/// `baseOffset`, with its sparse indexes.
///
/// `@unchecked Sendable` because the mutable fields are only touched under the
/// owning `PartitionLog`'s lock; the descriptor is immutable and closed in
/// `deinit`, so a reader holding a reference can always `pread` it, even after
/// retention unlinked the file.
final class Segment: @unchecked Sendable {
    let baseOffset: Int64
    let directory: String
    let fd: Int32

    /// Bytes of whole, valid batches.
    var size: Int = 0
    /// The offset after the last batch.
    var nextOffset: Int64
    /// The newest record timestamp, -1 while empty.
    var maxTimestamp: Int64 = -1
    var index = SegmentIndex()
    /// Bytes written since the last index entry.
    var bytesSinceIndexEntry = 0
    /// When the first batch was appended since open (milliseconds), for `segmentMs`.
    var firstAppendMillis: Int64?
    /// True once fsynced and indexed for good; a sealed segment takes no more appends.
    var sealed = false

    var logPath: String { "\(directory)/\(Segment.fileName(baseOffset)).log" }
    var indexPath: String { "\(directory)/\(Segment.fileName(baseOffset)).index" }
    var timeIndexPath: String { "\(directory)/\(Segment.fileName(baseOffset)).timeindex" }
    var recordCount: Int64 { nextOffset - baseOffset }

    /// The 20-digit zero-padded name Kafka gives a segment.
    static func fileName(_ baseOffset: Int64) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    private init(directory: String, baseOffset: Int64, fd: Int32) {
        self.directory = directory
        self.baseOffset = baseOffset
        self.fd = fd
        self.nextOffset = baseOffset
    }

    deinit { close(fd) }

    /// Creates an empty segment file (replacing a leftover one of the same
    /// name). Without `syncDirectory` the new name is durable only after a
    /// later fsync of the directory (a roll leaves that to the sealing).
    static func create(directory: String, baseOffset: Int64, syncDirectory: Bool = true) throws(LogStorageError) -> Segment {
        let path = "\(directory)/\(fileName(baseOffset)).log"
        let fd = try FileIO.open(path, create: true)
        let segment = Segment(directory: directory, baseOffset: baseOffset, fd: fd)
        try FileIO.truncate(fd, to: 0, path: path)
        FileIO.unlink(segment.indexPath)
        FileIO.unlink(segment.timeIndexPath)
        if syncDirectory { try FileIO.fsyncDirectory(directory) }
        return segment
    }

    /// Opens an existing segment. With `trustIndex`, loads the index files and
    /// checks only the tail after the last entry; otherwise (or when the index
    /// files are missing or implausible) scans every batch. Either way the file
    /// is cut at the first torn or corrupt batch; returns the bytes cut.
    static func open(directory: String, baseOffset: Int64, trustIndex: Bool) throws(LogStorageError) -> (Segment, truncated: Int) {
        let path = "\(directory)/\(fileName(baseOffset)).log"
        let fd = try FileIO.open(path, create: false)
        let segment = Segment(directory: directory, baseOffset: baseOffset, fd: fd)
        let fileSize = try FileIO.size(fd, path: path)
        var start = 0
        if trustIndex, let offsets = try FileIO.readFile(segment.indexPath),
           let times = try FileIO.readFile(segment.timeIndexPath),
           let index = SegmentIndex.decode(offsetIndex: offsets, timeIndex: times, segmentSize: fileSize),
           let last = index.last {
            segment.index = index
            segment.nextOffset = baseOffset + Int64(last.relativeOffset)
            segment.maxTimestamp = index.lastTimestamp ?? -1
            start = last.position
        }
        let validEnd = try segment.scan(from: start, fileSize: fileSize)
        if validEnd < fileSize {
            try FileIO.truncate(fd, to: validEnd, path: path)
            try FileIO.fsync(fd, path: path)
        }
        segment.size = validEnd
        return (segment, fileSize - validEnd)
    }

    /// Walks batches from `position`, checking framing, CRC and offset
    /// continuity, and extends the in-memory state and index; returns the end
    /// of the last valid batch.
    private func scan(from position: Int, fileSize: Int) throws(LogStorageError) -> Int {
        var position = position
        var chunkStart = position
        var chunk: [UInt8] = []
        bytesSinceIndexEntry = 0
        while position < fileSize {
            // Make sure the header, then the whole batch, is in the chunk.
            var available = chunkStart + chunk.count - position
            if available < RecordBatchHeader.size {
                chunk = try FileIO.pread(fd, count: min(1 << 20, fileSize - position), at: position, path: logPath)
                chunkStart = position
                available = chunk.count
                if available < RecordBatchHeader.size { break }
            }
            let header = chunk.withUnsafeBytes { RecordBatch.parseHeader(UnsafeRawBufferPointer(rebasing: $0[(position - chunkStart)...])) }!
            let size = header.totalSize
            guard header.magic == RecordBatch.magic, size >= RecordBatchHeader.size, position + size <= fileSize,
                  header.baseOffset == nextOffset, header.lastOffsetDelta >= 0 else { break }
            if available < size {
                chunk = try FileIO.pread(fd, count: max(size, min(1 << 20, fileSize - position)), at: position, path: logPath)
                chunkStart = position
                if chunk.count < size { break }
            }
            let valid = chunk.withUnsafeBytes { buf in
                RecordBatch.verifyCRC(UnsafeRawBufferPointer(rebasing: buf[(position - chunkStart)..<(position - chunkStart + size)]))
            }
            guard valid else { break }
            noteAppended(header, at: position)
            position += size
        }
        return position
    }

    /// Updates offsets, timestamps and the index for a batch written at `position`.
    func noteAppended(_ header: RecordBatchHeader, at position: Int) {
        if bytesSinceIndexEntry >= SegmentIndex.interval {
            index.add(relativeOffset: UInt32(header.baseOffset - baseOffset), position: position,
                      maxTimestampBefore: maxTimestamp)
            bytesSinceIndexEntry = 0
        }
        bytesSinceIndexEntry += header.totalSize
        nextOffset = header.nextOffset
        maxTimestamp = max(maxTimestamp, header.maxTimestamp)
        size = position + header.totalSize
    }

    /// Writes one batch at the end with its baseOffset replaced by
    /// `header.baseOffset` (which must be `nextOffset`); the caller's bytes are
    /// not copied. On a failed write the file is cut back so no partial batch stays.
    func append(_ batch: UnsafeRawBufferPointer, header: RecordBatchHeader, nowMillis: Int64) throws(LogStorageError) {
        let position = size
        var baseOffset = header.baseOffset.bigEndian
        do {
            try withUnsafeBytes(of: &baseOffset) { (prefix) throws(LogStorageError) in
                try FileIO.pwriteAll(fd, prefix: prefix, rest: UnsafeRawBufferPointer(rebasing: batch[8...]),
                                     at: position, path: logPath)
            }
        } catch {
            try? FileIO.truncate(fd, to: position, path: logPath)
            throw error
        }
        if firstAppendMillis == nil { firstAppendMillis = nowMillis }
        noteAppended(header, at: position)
    }

    /// Makes the data and both index files durable; called when the segment
    /// stops being the active one and on a clean close.
    func writeIndexesAndSync() throws(LogStorageError) {
        try FileIO.fsync(fd, path: logPath)
        try FileIO.writeAtomically(index.encodeOffsetIndex(), to: indexPath, directory: directory)
        try FileIO.writeAtomically(index.encodeTimeIndex(), to: timeIndexPath, directory: directory)
    }

    /// Removes the files; readers holding the segment keep reading through the open descriptor.
    func deleteFiles() {
        FileIO.unlink(logPath)
        FileIO.unlink(indexPath)
        FileIO.unlink(timeIndexPath)
    }

    /// Removes the files of an unopened segment; returns the size its log file had.
    static func removeFiles(directory: String, baseOffset: Int64) -> Int {
        let base = "\(directory)/\(fileName(baseOffset))"
        var st = stat()
        let size = stat(base + ".log", &st) == 0 ? Int(st.st_size) : 0
        for suffix in [".log", ".index", ".timeindex"] { FileIO.unlink(base + suffix) }
        return size
    }
}
