#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import PetrelCore

/// The file source's reading side, without the topic: finds files
/// (`discover`), follows them through rotation, splits what they gained into
/// lines and encodes each as an event into a `FileBatch` (`read`). It owns
/// its open files and one read buffer; the source drives it from one task.
final class FileTailer {
    let config: FileSourceConfig
    let host: String
    let metrics: ComponentMetrics?
    let logger: Logger?
    var files: [TailedFile] = []
    /// Checkpoints loaded at start and not yet matched to a file.
    var savedCheckpoints: [FileCheckpoint]
    /// Spooled files read to the end whose batch is not yet sent, by identity.
    private var completing: [FileIdentity: FileCheckpoint] = [:]
    var hasDiscovered = false
    private var encoder = FileEventEncoder()
    private let buffer: UnsafeMutableRawBufferPointer

    init(config: FileSourceConfig, checkpoints: [FileCheckpoint], metrics: ComponentMetrics? = nil, logger: Logger? = nil) {
        self.config = config
        self.host = config.host ?? FileSystem.hostName()
        self.metrics = metrics
        self.logger = logger
        self.savedCheckpoints = checkpoints
        let size = max(4 << 20, config.maxLineBytes + config.lineDelimiter.count + 1)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
    }

    deinit {
        for file in files { FileSystem.close(file.fd) }
        buffer.deallocate()
    }

    /// Where every file is read up to, for the checkpoint file.
    func checkpoints() -> [FileCheckpoint] {
        files.map(\.checkpoint) + completing.values.sorted { $0.path < $1.path }
    }

    func isCompleting(_ identity: FileIdentity) -> Bool { completing[identity] != nil }

    /// A spooled file was renamed or deleted: forget it.
    func finished(_ completion: SpoolCompletion) {
        completing[completion.identity] = nil
    }

    // MARK: - Reading

    /// Reads what the files gained, oldest file first, into `batch` until it
    /// holds the lines of `maxBytes` file bytes (reads are cut to what is left,
    /// but never below one longest line) or nothing more is there. Returns
    /// whether any byte was read.
    @discardableResult
    func read(into batch: inout FileBatch, maxBytes: Int, nowMillis: Int64, nowMicros: Int64) -> Bool {
        encoder.setTime(micros: nowMicros)
        var progress = false
        var again = true
        while again && batch.rawBytes < maxBytes {
            again = false
            var i = 0
            while i < files.count && batch.rawBytes < maxBytes {
                // A file that left its path is drained before newer files, so a
                // rotated file's last lines come before its successor's first.
                let drain = files[i].goneSinceMillis != nil
                repeat {
                    let n = readOnce(i, into: &batch, limit: maxBytes - batch.rawBytes)
                    if n > 0 { progress = true; again = true }
                    if n == 0 { break }
                } while drain && batch.rawBytes < maxBytes
                if files[i].atEnd, closeIfDone(i, into: &batch, nowMillis: nowMillis) { continue }
                i += 1
            }
        }
        flushExpired(into: &batch, nowMillis: nowMillis)
        return progress
    }

    /// Emits multi-line events whose next line did not come in time.
    func flushExpired(into batch: inout FileBatch, nowMillis: Int64) {
        for i in files.indices where files[i].multiline?.pendingOffset != nil {
            let suffix = files[i].suffix, key = files[i].key
            files[i].multiline!.flushIfExpired(nowMillis: nowMillis) { line, offset in
                append(line, offset: offset, key: key, suffix: suffix, into: &batch)
            }
        }
    }

    /// One `pread` of file `i` from its read offset, of about `limit` bytes;
    /// emits the whole lines in it. Returns the bytes consumed (0 at the end).
    private func readOnce(_ i: Int, into batch: inout FileBatch, limit: Int) -> Int {
        let size = min(buffer.count, max(limit, config.maxLineBytes + config.lineDelimiter.count + 1))
        let n = FileSystem.read(files[i].fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<size]),
                                at: files[i].readOffset)
        if n < 0 {
            metrics?.error("file \(files[i].path): read failed at byte offset \(files[i].readOffset): \(FileSystem.errorText())")
            files[i].atEnd = true
            return 0
        }
        if n == 0 {
            files[i].atEnd = true
            if let status = FileSystem.status(fd: files[i].fd), status.size < files[i].readOffset {
                truncated(i, size: status.size)
            }
            return 0
        }
        let consumed = split(i, count: n, into: &batch)
        files[i].atEnd = n < size
        return consumed
    }

    /// Splits `buffer[0..<count]` (read at file `i`'s read offset) into lines.
    private func split(_ i: Int, count: Int, into batch: inout FileBatch) -> Int {
        let delimiter = config.lineDelimiter
        let maxLine = config.maxLineBytes
        let base = UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        let start = files[i].readOffset
        var file = files[i]
        var pos = 0
        var lines = 0
        while pos < count {
            guard let end = Self.find(delimiter, in: base, from: pos, to: count) else {
                if file.skipping || count - pos > maxLine {
                    if !file.skipping { discardLong(file, at: start + Int64(pos)) }
                    file.skipping = true
                    // Keep a partial delimiter that may continue in the next read.
                    pos = max(pos, count - (delimiter.count - 1))
                }
                break
            }
            if file.skipping {
                file.skipping = false
            } else if end - pos > maxLine {
                discardLong(file, at: start + Int64(pos))
            } else {
                let line = UnsafeRawBufferPointer(start: base + pos, count: end - pos)
                emit(&file, line, offset: start + Int64(pos), into: &batch)
                lines += 1
            }
            pos = end + delimiter.count
        }
        file.readOffset = start + Int64(pos)
        files[i] = file
        batch.rawBytes += pos
        metrics?.received(events: lines, bytes: pos)
        return pos
    }

    private func emit(_ file: inout TailedFile, _ line: UnsafeRawBufferPointer, offset: Int64, into batch: inout FileBatch) {
        if file.multiline != nil {
            let key = file.key, suffix = file.suffix
            file.multiline!.feed(line, offset: offset, nowMillis: encoder.timestampMillis) { event, at in
                append(event, offset: at, key: key, suffix: suffix, into: &batch)
            }
        } else {
            append(line, offset: offset, key: file.key, suffix: file.suffix, into: &batch)
        }
    }

    private func append(_ line: UnsafeRawBufferPointer, offset: Int64, key: [UInt8], suffix: [UInt8], into batch: inout FileBatch) {
        let count = encoder.prepare(line, offset: offset, suffix: suffix)
        guard batch.fits(key: key, valueCount: count) else {
            metrics?.discarded(1)
            metrics?.error("file \(String(decoding: key, as: UTF8.self)): the event of the line at byte offset \(offset) is \(count) bytes, more than a record batch may hold (\(batch.maxBatchBytes)); dropped")
            return
        }
        let encoder = self.encoder
        batch.append(key: key, timestamp: encoder.timestampMillis, valueCount: count) { out in
            encoder.write(offset: offset, suffix: suffix, into: &out)
        }
    }

    private func discardLong(_ file: TailedFile, at offset: Int64) {
        metrics?.discarded(1)
        metrics?.error("file \(file.path): line at byte offset \(offset) is longer than max_line_bytes (\(config.maxLineBytes)); dropped")
    }

    /// The index of the first `delimiter` in `base[from..<to]`, found with
    /// the C library's vectorised `memchr` (Codecs' ByteSearch is internal to Codecs).
    @inline(__always)
    static func find(_ delimiter: [UInt8], in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        let first = delimiter[0]
        if delimiter.count == 1 { return firstByte(first, in: base, from: from, to: to) }
        var at = from
        while let hit = firstByte(first, in: base, from: at, to: to) {
            guard hit + delimiter.count <= to else { return nil }
            if memcmp(base + hit, delimiter, delimiter.count) == 0 { return hit }
            at = hit + 1
        }
        return nil
    }

    @inline(__always)
    private static func firstByte(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    // MARK: - Ends of files

    func truncated(_ i: Int, size: Int64) {
        logger?.info("file truncated; reading it again from the start", metadata: [
            "file": "\(files[i].path)", "size": "\(size)", "offset": "\(files[i].readOffset)"])
        files[i].restart()
    }

    /// Closes file `i` when it is done: a spooled file at its end, or a tailed
    /// file that left its path and has not grown for `rotate_wait`. Its last
    /// unterminated line and pending multi-line event are emitted first.
    private func closeIfDone(_ i: Int, into batch: inout FileBatch, nowMillis: Int64) -> Bool {
        let file = files[i]
        switch config.mode {
        case .tail:
            guard let gone = file.goneSinceMillis, nowMillis - gone >= config.rotateWaitMillis else { return false }
        case .spool:
            break
        }
        emitRemainder(i, into: &batch)
        let done = files.remove(at: i)
        FileSystem.close(done.fd)
        if config.mode == .spool {
            completing[done.identity] = done.checkpoint
            batch.completed.append(SpoolCompletion(identity: done.identity, path: done.path))
        } else {
            logger?.info("closed a file that left its path", metadata: ["file": "\(done.label)", "offset": "\(done.readOffset)"])
        }
        return true
    }

    /// Emits the bytes after the last delimiter as a line, and any pending multi-line event.
    private func emitRemainder(_ i: Int, into batch: inout FileBatch) {
        var file = files[i]
        let n = FileSystem.read(file.fd, into: buffer, at: file.readOffset)
        if n > 0 && !file.skipping {
            let line = UnsafeRawBufferPointer(start: buffer.baseAddress!, count: min(n, config.maxLineBytes))
            emit(&file, line, offset: file.readOffset, into: &batch)
            metrics?.received(events: 1, bytes: n)
        }
        if n > 0 { file.readOffset += Int64(n) }
        let key = file.key, suffix = file.suffix
        file.multiline?.flush { event, at in append(event, offset: at, key: key, suffix: suffix, into: &batch) }
        files[i] = file
    }
}
