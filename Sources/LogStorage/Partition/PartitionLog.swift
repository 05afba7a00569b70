import Logging
import PetrelCore
import Synchronization

/// One partition of a topic: an append-only sequence of record batches in
/// segment files, with offsets assigned on append, durability per the fsync
/// policy, and reads up to the high watermark.
///
/// All state sits behind one `Mutex`; file writes happen under it (they are
/// page-cache copies), fsyncs and reads happen outside it.
public final class PartitionLog: Sendable {
    public let topic: String
    public let partition: Int
    public let directory: String
    /// The topic's settings; AlterConfigs replaces them while the partition runs.
    let liveConfig: Mutex<TopicConfig>
    var config: TopicConfig { liveConfig.withLock { $0 } }
    let policy: FsyncPolicy
    let timeSource: any TimeSource
    let logger: Logger
    let metrics: PartitionMetrics
    let state: Mutex<PartitionState>
    /// fsyncs issued by group commit, for tests and diagnostics.
    let fsyncCount = Atomic<Int>(0)
    /// Held while rolled segments are sealed, so only one caller seals at a time.
    let sealing = Mutex<Void>(())

    static let cleanShutdownFile = "clean-shutdown"

    /// Opens (creating if needed) the partition in `directory` and recovers it:
    /// the active segment, and any whose indexes cannot be trusted, are scanned
    /// batch by batch and cut at the first torn or corrupt batch.
    init(directory: String, topic: String, partition: Int, config: TopicConfig, policy: FsyncPolicy,
         timeSource: any TimeSource, logger: Logger) throws(LogStorageError) {
        self.topic = topic
        self.partition = partition
        self.directory = directory
        self.liveConfig = Mutex(config)
        self.policy = policy
        self.timeSource = timeSource
        var logger = logger
        logger[metadataKey: "partition"] = "\(topic)-\(partition)"
        self.logger = logger
        let metrics = PartitionMetrics(topic: topic, partition: partition)
        self.metrics = metrics

        try FileIO.makeDirectory(directory)
        let markerPath = "\(directory)/\(PartitionLog.cleanShutdownFile)"
        let clean = FileIO.exists(markerPath)
        let bases = try PartitionLog.segmentBaseOffsets(in: directory)
        var segments: [Segment] = []
        for (i, base) in bases.enumerated() {
            if let previous = segments.last, previous.nextOffset < base, !clean {
                // A crash during or after a roll, before the rolled segment's fsync: its tail was
                // cut, so nothing after it was ever acknowledged. Keep offsets contiguous.
                let dropped = try PartitionLog.removeSegments(bases[i...], in: directory)
                logger.warning("recovery dropped segments after a torn rolled segment", metadata: [
                    "from": "\(previous.nextOffset)", "segments": "\(bases.count - i)", "bytes": "\(dropped)"])
                metrics.recoveryTruncatedBytes.increment(by: Int64(dropped))
                break
            }
            let isActive = i == bases.count - 1
            let (segment, truncated) = try Segment.open(directory: directory, baseOffset: base,
                                                        trustIndex: clean || !isActive)
            if truncated > 0 {
                logger.warning("recovery cut a torn or corrupt tail", metadata: [
                    "segment": "\(segment.logPath)", "bytes": "\(truncated)", "keptUpToOffset": "\(segment.nextOffset)"])
                metrics.recoveryTruncatedBytes.increment(by: Int64(truncated))
            }
            if let previous = segments.last, previous.nextOffset != base {
                logger.warning("offset gap between segments", metadata: [
                    "from": "\(previous.nextOffset)", "to": "\(base)"])
            }
            segments.append(segment)
        }
        for (i, segment) in segments.enumerated() { segment.sealed = i < segments.count - 1 }
        if segments.isEmpty {
            segments.append(try Segment.create(directory: directory, baseOffset: 0))
        }
        if clean {
            FileIO.unlink(markerPath)
            try FileIO.fsyncDirectory(directory)
        }
        let end = segments[segments.count - 1].nextOffset
        let size = segments.reduce(Int64(0)) { $0 + Int64($1.size) }
        var partitionState = PartitionState(segments: segments, logStartOffset: segments[0].baseOffset,
                                            logEndOffset: end, highWatermark: end, sizeBytes: size)
        partitionState.producers = try PartitionLog.rebuildProducerState(from: segments)
        state = Mutex(partitionState)
        metrics.segments.set(segments.count)
        metrics.sizeBytes.set(size)
    }

    /// Deletes the segment files of `bases` (recovery) and returns the log bytes removed.
    static func removeSegments(_ bases: ArraySlice<Int64>, in directory: String) throws(LogStorageError) -> Int {
        var bytes = 0
        for base in bases { bytes += Segment.removeFiles(directory: directory, baseOffset: base) }
        try FileIO.fsyncDirectory(directory)
        return bytes
    }

    /// Base offsets of the `.log` files in `directory`, ascending.
    static func segmentBaseOffsets(in directory: String) throws(LogStorageError) -> [Int64] {
        try DirectoryListing.names(in: directory).compactMap { name -> Int64? in
            guard name.hasSuffix(".log"), name.count == 24 else { return nil }
            return Int64(name.prefix(20))
        }.sorted()
    }

    // MARK: - Properties

    /// The first offset still stored.
    public var logStartOffset: Int64 { state.withLock { $0.logStartOffset } }
    /// The offset the next record will get.
    public var logEndOffset: Int64 { state.withLock { $0.logEndOffset } }
    /// The end of what readers may see: durable per the fsync policy.
    public var highWatermark: Int64 { state.withLock { $0.highWatermark } }
    public var sizeBytes: Int64 { state.withLock { $0.sizeBytes } }
    public var segmentCount: Int { state.withLock { $0.segments.count } }

    // MARK: - Append

    /// Appends `records` (offsets are assigned; timestamps kept) and returns
    /// once they are durable per the fsync policy: `.always` = fsynced,
    /// `.interval` = the next group-commit fsync, `.never` = written to the OS.
    public func append(_ records: [Record]) async throws -> (firstOffset: Int64, lastOffset: Int64) {
        guard !records.isEmpty else {
            throw LogStorageError(.invalidRequest, "\(topic)-\(partition): an append needs at least one record")
        }
        let batches = try encodeBatches(records)
        let range = try write(batches)
        try await awaitDurable(range.lastOffset + 1)
        return range
    }

    /// Appends one Kafka record batch v2 as received from a producer: the
    /// framing and CRC are checked, the baseOffset is rewritten, the bytes are
    /// stored as they are. Returns like `append`.
    public func appendBatch(raw: [UInt8]) async throws -> (firstOffset: Int64, lastOffset: Int64) {
        let range = try writeBatch(raw: raw)
        try await awaitDurable(range.lastOffset + 1)
        return range
    }

    /// The first half of `appendBatch(raw:)`: checks and writes the batch and
    /// returns its offsets at once, before it is durable. Callers that must
    /// keep several appends in order without waiting for each fsync (a Kafka
    /// connection's pipelined Produce requests) write in order with this and
    /// then wait with `awaitDurable(range.lastOffset + 1)`.
    public func writeBatch(raw: [UInt8]) throws -> (firstOffset: Int64, lastOffset: Int64) {
        let header: RecordBatchHeader
        do {
            header = try withBytes(raw) { (buf) throws(RecordBatchError) in try RecordBatch.validateHeader(buf) }
        } catch {
            throw LogStorageError(.corruptBatch, "\(topic)-\(partition): \(error.message)", cause: error)
        }
        guard header.totalSize == raw.count else {
            throw LogStorageError(.corruptBatch,
                                  "\(topic)-\(partition): batchLength covers \(header.totalSize) bytes but \(raw.count) were given")
        }
        guard header.recordCount > 0, Int64(header.lastOffsetDelta) == Int64(header.recordCount) - 1 else {
            throw LogStorageError(.corruptBatch,
                                  "\(topic)-\(partition): batch has \(header.recordCount) records and lastOffsetDelta \(header.lastOffsetDelta)")
        }
        let maxMessageBytes = config.maxMessageBytes
        guard raw.count <= maxMessageBytes else {
            throw LogStorageError(.recordTooLarge,
                                  "\(topic)-\(partition): batch of \(raw.count) bytes exceeds maxMessageBytes \(maxMessageBytes)")
        }
        guard RecordBatch.verifyCRC(raw) else {
            throw LogStorageError(.corruptBatch, "\(topic)-\(partition): record batch CRC mismatch")
        }
        var raw = raw
        do { _ = try RecordBatch.repairMaxTimestamp(&raw) } catch {
            throw LogStorageError(.corruptBatch, "\(topic)-\(partition): \(error.message)", cause: error)
        }
        // A retry of a stored idempotent batch gets the original offsets; nothing is written.
        return try write([raw], producer: header.producerId >= 0 && header.baseSequence >= 0 ? header : nil)
    }

    /// Encodes records into as few batches as fit `maxMessageBytes`.
    private func encodeBatches(_ records: [Record]) throws(LogStorageError) -> [[UInt8]] {
        let maxMessageBytes = config.maxMessageBytes
        let limit = maxMessageBytes - RecordBatchHeader.size
        var batches: [[UInt8]] = []
        var start = 0
        var estimate = 0
        func flush(_ end: Int) throws(LogStorageError) {
            var batch: [UInt8] = []
            RecordBatch.encode(Array(records[start..<end]), baseOffset: 0, into: &batch)
            guard batch.count <= maxMessageBytes else {
                throw LogStorageError(.recordTooLarge,
                                      "\(topic)-\(partition): a record of \(batch.count) bytes exceeds maxMessageBytes \(maxMessageBytes)")
            }
            batches.append(batch)
            start = end
            estimate = 0
        }
        for (i, record) in records.enumerated() {
            let size = RecordBatch.estimatedSize(record)
            if i > start && estimate + size > limit { try flush(i) }
            estimate += size
        }
        try flush(records.count)
        return batches
    }

    /// Writes validated batches back to back under the lock, assigning offsets.
    /// With `producer` (the header of a single idempotent batch) the producer
    /// state decides first: a duplicate returns the stored offsets unwritten.
    private func write(_ batches: [[UInt8]], producer: RecordBatchHeader? = nil) throws(LogStorageError) -> (firstOffset: Int64, lastOffset: Int64) {
        let now = timeSource.nowMillis()
        let config = self.config
        let (range, woken, bytes, segmentCount, size) = try state.withLock { (s) throws(LogStorageError) in
            guard !s.closed else { throw LogStorageError(.closed, "\(topic)-\(partition) is closed") }
            if let producer,
               case .duplicate(let first, let last) = try s.producers.decide(producer, where: "\(topic)-\(partition)") {
                return ((first, last), [CheckedContinuation<Bool, Never>](), 0, s.segments.count, s.sizeBytes)
            }
            let first = s.logEndOffset
            var bytes = 0
            for batch in batches {
                var header = batch.withUnsafeBytes { RecordBatch.parseHeader($0)! }
                if shouldRoll(s.active, adding: batch.count, nowMillis: now, config: config) {
                    try roll(&s)
                }
                header.baseOffset = s.logEndOffset
                try withBytes(batch) { (buf) throws(LogStorageError) in
                    try s.active.append(buf, header: header, nowMillis: now)
                }
                s.logEndOffset = header.nextOffset
                s.sizeBytes += Int64(batch.count)
                bytes += batch.count
            }
            if let producer { s.producers.record(producer, firstOffset: first, lastOffset: s.logEndOffset - 1) }
            let woken = policy == .never ? s.advanceHighWatermark(to: s.logEndOffset) : []
            return ((first, s.logEndOffset - 1), woken, bytes, s.segments.count, s.sizeBytes)
        }
        for continuation in woken { continuation.resume(returning: true) }
        guard bytes > 0 else { return range }
        metrics.appendedRecords.increment(by: Int64(range.1 - range.0 + 1))
        metrics.appendedBytes.increment(by: Int64(bytes))
        metrics.segments.set(segmentCount)
        metrics.sizeBytes.set(size)
        return range
    }

    private func shouldRoll(_ active: Segment, adding bytes: Int, nowMillis: Int64, config: TopicConfig) -> Bool {
        guard active.size > 0 else { return false }
        if active.size + bytes > config.segmentBytes { return true }
        if let segmentMs = config.segmentMs, let first = active.firstAppendMillis, nowMillis - first >= segmentMs { return true }
        return false
    }

    /// Starts a new active segment at logEndOffset. Under the lock only the
    /// new file is created; the old segment's fsync and index files, and the
    /// directory fsync that makes the new file's name durable, happen after
    /// the lock is released (`sealRolledSegments`, started here in the
    /// background and run by every `flush` before it raises the high
    /// watermark), so appends do not stall behind a roll's fsyncs.
    func roll(_ s: inout PartitionState) throws(LogStorageError) {
        let old = s.active
        let next = try Segment.create(directory: directory, baseOffset: s.logEndOffset, syncDirectory: false)
        s.rolledUnsealed.append(old)
        s.segments.append(next)
        logger.debug("rolled segment", metadata: ["base": "\(next.baseOffset)"])
        if !s.sealScheduled {
            s.sealScheduled = true
            Task.detached { [self] in await sealInBackground() }
        }
    }

    /// Seals rolled segments on the blocking-I/O threads until none is left;
    /// at most one runs per partition, so rolls never pile up waiting threads.
    /// A failure is logged and left to the next flush or roll to retry.
    private func sealInBackground() async {
        while true {
            do {
                try await BlockingIOPool.shared.run { () throws(LogStorageError) in try self.sealRolledSegments() }
            } catch {
                logger.error("sealing a rolled segment failed", metadata: ["error": "\(error)"])
                state.withLock { $0.sealScheduled = false }
                return
            }
            let more = state.withLock { s in
                if s.rolledUnsealed.isEmpty { s.sealScheduled = false }
                return s.sealScheduled
            }
            if !more { return }
        }
    }
}
