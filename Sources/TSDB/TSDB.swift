import Foundation
import Logging
import Metrics
import PetrelCore
import Synchronization

/// The time-series database: an in-memory head for recent samples and
/// immutable on-disk blocks for older ones, with compaction and retention.
/// The topic log is its write-ahead log: see `replayOffset`.
public final class TSDB: Sendable {
    public let directory: String
    public let options: TSDBOptions
    let timeSource: any TimeSource
    let logger: Logger
    let head: Head
    let metrics = TSDBMetrics()
    let blocks: Mutex<[BlockReader]>
    /// Serialises cuts, compactions and retention.
    private let maintenance = Mutex(())

    /// Opens (or creates) the database in `directory`, loading its blocks.
    public init(directory: String, options: TSDBOptions = TSDBOptions(),
                timeSource: any TimeSource = SystemTimeSource(), logger: Logger) throws {
        try options.validate()
        self.directory = directory
        self.options = options
        self.timeSource = timeSource
        self.logger = logger
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TSDBError(.io, "cannot create data directory \(directory)", cause: error)
        }
        let checkpoint = try Checkpoint.read(from: directory)
        var readers: [BlockReader] = []
        for name in (try? fm.contentsOfDirectory(atPath: directory))?.sorted() ?? [] {
            let path = directory + "/" + name
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else { continue }
            if name.hasSuffix(".tmp") {
                try? fm.removeItem(atPath: path)  // an interrupted write
                continue
            }
            guard fm.fileExists(atPath: path + "/" + BlockMeta.fileName) else { continue }
            readers.append(try BlockReader(directory: path))
        }
        // A compaction that stopped after writing its output leaves its inputs behind.
        let subsumed = readers.filter { a in
            readers.contains { b in
                b !== a && b.meta.compaction.level > a.meta.compaction.level
                    && Set(a.meta.compaction.sources).isSubset(of: Set(b.meta.compaction.sources))
            }
        }
        for block in subsumed { try? fm.removeItem(atPath: block.directory) }
        readers.removeAll { r in subsumed.contains { $0 === r } }
        blocks = Mutex(readers)

        let replayOffset = max(checkpoint.replayOffset, readers.map(\.meta.replayOffset).max() ?? 0)
        // The checkpoint's boundary is the head's; blocks only stand in for a lost
        // checkpoint (backfill blocks may lie beyond the boundary).
        let minValid = FileManager.default.fileExists(atPath: directory + "/" + Checkpoint.fileName)
            ? checkpoint.minValidTime : (readers.map(\.meta.maxTime).max() ?? Int64.min)
        head = Head(options: options, minValidTime: minValid, replayOffset: replayOffset, metrics: metrics,
                    timeSource: timeSource)
        metrics.blocks.record(readers.count)
        logger.info("tsdb opened", metadata: ["directory": "\(directory)", "blocks": "\(readers.count)",
                                              "replayOffset": "\(replayOffset)"])
    }

    /// Where the caller should resume feeding topic records: the smallest source
    /// offset whose samples are not all in persisted blocks (head or backfill buffer).
    public var replayOffset: Int64 { head.replayOffset }

    public func appender() -> TSDBAppender { TSDBAppender(head: head) }

    /// A read view of [mint, maxt] (inclusive) over the head and current blocks.
    public func querier(mint: Int64, maxt: Int64) -> TSDBQuerier {
        // Backfill before blocks: a flush adds its blocks before dropping the buffer,
        // so a querier always sees the data in one place or the other (or both).
        let backfill = head.backfill.snapshot()
        return TSDBQuerier(head: head, blocks: blocks.withLock { $0 }, backfill: backfill, mint: mint, maxt: maxt)
    }

    /// Periodic upkeep: cuts due head ranges into blocks, persists the backfill
    /// buffer when it is full or old enough, compacts, applies retention.
    public func maintain() throws {
        try maintenance.withLock { _ in
            while let range = head.rangeDueForCut() {
                try flush(range.start, range.end)
            }
            if backfillDue { try flushBackfill() }
            try compact()
            try applyRetention()
            let (chunks, _) = head.chunkStats()
            metrics.headChunks.record(chunks)
        }
    }

    /// Persists every head sample before `end` as a block now, whatever the
    /// head's span, and the whole backfill buffer (for shutdown or tests).
    public func flush(before end: Int64) throws {
        try maintenance.withLock { _ in
            let lo = head.minTime.load(ordering: .relaxed)
            try flush(lo == Int64.max ? end : min(head.blockStart(lo), end), end)
            try flushBackfill()
        }
    }

    /// Writes head samples in [start, end) as a level-1 block, records the new
    /// replay offset with it, then drops them from the head.
    private func flush(_ start: Int64, _ end: Int64) throws {
        let began = monotonicNanos()
        let data = try head.samples(before: end)
        let tracked: Int64 = head.replay.withLock { tracker in
            var copy = tracker
            copy.persisted(upTo: end)
            return copy.replayOffset
        }
        let offset = min(tracked, head.backfill.pendingOffset ?? .max)
        if !data.isEmpty {
            let id = newBlockID()
            let minT = min(start, data.compactMap { $0.timestamps.first }.min() ?? start)
            let meta = try BlockWriter(directory: directory, chunkSamples: options.blockChunkSamples)
                .write(data, id: id, minTime: head.blockStart(minT), maxTime: end, level: 1, sources: [id], replayOffset: offset)
            let reader = try BlockReader(directory: directory + "/" + meta.id)
            blocks.withLock { $0.append(reader) }
            logger.info("tsdb block written", metadata: ["id": "\(id)", "series": "\(meta.stats.numSeries)",
                                                          "samples": "\(meta.stats.numSamples)"])
        }
        try Checkpoint(replayOffset: offset, minValidTime: end).write(to: directory)
        head.replay.withLock { $0.persisted(upTo: end) }
        try head.truncate(before: end)
        metrics.flushSeconds.recordNanoseconds(Int64(monotonicNanos() - began))
        metrics.blocks.record(blocks.withLock { $0.count })
    }

    private func compact() throws {
        let compactor = Compactor(options: options)
        while true {
            let current = blocks.withLock { $0 }
            guard let plan = compactor.plan(current.map(\.meta), sealedBefore: head.minValidTime.load(ordering: .relaxed)) else {
                return
            }
            let began = monotonicNanos()
            let ids = Set(plan.map(\.id))
            let inputs = current.filter { ids.contains($0.meta.id) }
            let id = newBlockID()
            let meta = try compactor.merge(inputs, writer: BlockWriter(directory: directory, chunkSamples: options.blockChunkSamples), id: id)
            let reader = try BlockReader(directory: directory + "/" + meta.id)
            blocks.withLock { list in
                list.removeAll { ids.contains($0.meta.id) }
                list.append(reader)
            }
            for input in inputs { try? FileManager.default.removeItem(atPath: input.directory) }
            metrics.compactionSeconds.recordNanoseconds(Int64(monotonicNanos() - began))
            metrics.blocks.record(blocks.withLock { $0.count })
            logger.info("tsdb compacted", metadata: ["into": "\(id)", "from": "\(ids.sorted())", "level": "\(meta.compaction.level)"])
        }
    }

    private func applyRetention() throws {
        let cutoff = timeSource.nowMillis() - options.retention
        let expired: [BlockReader] = blocks.withLock { list in
            let old = list.filter { $0.meta.maxTime <= cutoff }
            list.removeAll { $0.meta.maxTime <= cutoff }
            return old
        }
        for block in expired {
            do {
                try FileManager.default.removeItem(atPath: block.directory)
            } catch {
                throw TSDBError(.io, "cannot delete expired block \(block.directory)", cause: error)
            }
            logger.info("tsdb block expired", metadata: ["id": "\(block.meta.id)"])
        }
        if !expired.isEmpty { metrics.blocks.record(blocks.withLock { $0.count }) }
    }

    /// Releases resources. Persists nothing: the topic is the write-ahead log.
    public func close() throws {
        blocks.withLock { $0.removeAll() }
    }

    public var stats: TSDBStats {
        let current = blocks.withLock { $0 }
        let (chunks, samples) = head.chunkStats()
        let headMin = head.minTime.load(ordering: .relaxed), headMax = head.maxTime.load(ordering: .relaxed)
        var lo: Int64? = samples > 0 && headMin != .max ? headMin : nil
        var hi: Int64? = samples > 0 && headMax != .min ? headMax : nil
        for b in current {
            lo = min(lo ?? b.meta.minTime, b.meta.minTime)
            hi = max(hi ?? (b.meta.maxTime - 1), b.meta.maxTime - 1)
        }
        return TSDBStats(headSeries: head.seriesCount, headChunks: chunks, headSamples: samples,
                         blocks: current.count, minTime: lo, maxTime: hi,
                         bytesOnDisk: current.reduce(0) { $0 + $1.sizeOnDisk })
    }
}

/// `checkpoint.json`: the replay offset and the persisted-until time, written
/// atomically after every block cut (block metas carry the same values, so
/// either survives the loss of the other).
struct Checkpoint: Codable {
    var replayOffset: Int64
    var minValidTime: Int64

    static let fileName = "checkpoint.json"

    static func read(from directory: String) throws -> Checkpoint {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            return Checkpoint(replayOffset: 0, minValidTime: Int64.min)
        }
        do {
            return try JSONDecoder().decode(Checkpoint.self, from: data)
        } catch {
            throw TSDBError(.corrupt, "cannot read \(path)", cause: error)
        }
    }

    func write(to directory: String) throws {
        try FileIO.writeAtomically(Array(try JSONEncoder().encode(self)), to: directory + "/" + Checkpoint.fileName)
    }
}
