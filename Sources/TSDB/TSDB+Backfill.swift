import Foundation
import PetrelCore

extension TSDB {
    /// True when `maintain()` has work that should not wait for the next
    /// periodic run: a head range is due for a cut, or the backfill buffer is
    /// over `backfillMaxSamples`. Cheap (a few atomic loads): a server feeding a
    /// large import can check it after each batch.
    public var needsMaintenance: Bool {
        head.backfill.activeCount.load(ordering: .relaxed) >= options.backfillMaxSamples
            || head.rangeDueForCut() != nil
    }

    /// Samples waiting in the backfill buffer (not yet written as blocks).
    public var backfillSamples: Int { head.backfill.activeCount.load(ordering: .relaxed) }

    /// Whether `maintain()` should persist the backfill buffer now: it is full,
    /// or its oldest sample has waited `backfillMaxAge`.
    var backfillDue: Bool {
        let count = head.backfill.activeCount.load(ordering: .relaxed)
        guard count > 0 else { return false }
        if count >= options.backfillMaxSamples { return true }
        let since = head.backfill.activeSince.load(ordering: .relaxed)
        return since != .max && timeSource.nowMillis() &- since >= options.backfillMaxAge
    }

    /// Writes the backfill buffer as level-1 blocks, one per aligned block range
    /// it touches, then drops it. The blocks may overlap older ones: their ids
    /// sort after every existing block, so they win on equal timestamps in
    /// queries and compaction (the newest write wins). Caller holds the
    /// maintenance lock.
    func flushBackfill() throws {
        guard let buffer = head.backfill.beginFlush() else { return }
        let began = monotonicNanos()
        // What stays pending once this buffer is on disk: the tracker first, then
        // the active buffer (commits update them in the opposite order).
        let tracked = head.replay.withLock { $0.replayOffset }
        let offset = min(tracked, head.backfill.activeOffset ?? .max)
        let groups = buffer.byBlockRange(duration: options.blockDuration, blockStart: head.blockStart)
        let writer = BlockWriter(directory: directory, chunkSamples: options.blockChunkSamples)
        for start in groups.keys.sorted() {
            let id = newBlockID()
            let meta = try writer.write(groups[start]!, id: id, minTime: start, maxTime: start + options.blockDuration,
                                        level: 1, sources: [id], replayOffset: offset)
            let reader = try BlockReader(directory: directory + "/" + meta.id)
            blocks.withLock { $0.append(reader) }
            metrics.backfillBlocks.increment()
            logger.info("tsdb backfill block written", metadata: ["id": "\(id)", "series": "\(meta.stats.numSeries)",
                                                                   "samples": "\(meta.stats.numSamples)"])
        }
        try Checkpoint(replayOffset: offset, minValidTime: head.minValidTime.load(ordering: .relaxed)).write(to: directory)
        head.backfill.endFlush()
        metrics.backfillSamples.record(head.backfill.activeCount.load(ordering: .relaxed))
        metrics.flushSeconds.recordNanoseconds(Int64(monotonicNanos() - began))
        metrics.blocks.record(blocks.withLock { $0.count })
    }

    /// A block id that sorts after every block present, whatever the clock says.
    func newBlockID() -> String {
        let newest = blocks.withLock { list in list.map(\.meta.id).filter(BlockMeta.isWellFormed).max() }
        return BlockMeta.newID(nowMillis: timeSource.nowMillis(), after: newest)
    }
}
