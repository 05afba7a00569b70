import Logging
import PetrelCore

/// What one retention pass removed from a partition.
public struct RetentionOutcome: Sendable, Equatable {
    public var deletedSegments = 0
    public var deletedBytes: Int64 = 0
    /// Records deleted before a pinned consumer group had committed past them.
    public var forcedLossRecords: Int64 = 0
}

/// Deleting whole old segments by age and by size.
extension PartitionLog {
    /// Applies `retentionMs` and `retentionBytes` at `nowMillis`.
    ///
    /// `protectedFrom` is the lowest offset a pinned consumer group still needs
    /// (nil when no group is pinned): time retention never deletes a segment
    /// ending after it; size retention does, and counts the loss.
    @discardableResult
    public func applyRetention(nowMillis: Int64, protectedFrom: Int64?) -> RetentionOutcome {
        var outcome = RetentionOutcome()
        let config = self.config
        let (deleted, segmentCount, size) = state.withLock { s -> ([Segment], Int, Int64) in
            guard !s.closed else { return ([], s.segments.count, s.sizeBytes) }
            var deleted: [Segment] = []
            func isExpired(_ segment: Segment) -> Bool {
                guard let retentionMs = config.retentionMs, segment.size > 0 else { return false }
                // Records without timestamps (-1) age from the file's last write, as in Kafka.
                let newest = segment.maxTimestamp >= 0 ? segment.maxTimestamp : FileIO.modifiedMillis(segment.fd) ?? nowMillis
                return nowMillis - newest > retentionMs
            }
            func isProtected(_ segment: Segment) -> Bool {
                guard let protectedFrom else { return false }
                return segment.nextOffset > protectedFrom
            }
            // An expired active segment is rolled so it can go too (as Kafka does).
            if isExpired(s.active), !isProtected(s.active), s.highWatermark == s.logEndOffset {
                do { try roll(&s) } catch {
                    logger.error("could not roll an expired segment", metadata: ["error": "\(error)"])
                }
            }
            while s.segments.count > 1, isExpired(s.segments[0]), !isProtected(s.segments[0]) {
                deleted.append(s.segments.removeFirst())
            }
            if let retentionBytes = config.retentionBytes {
                var total = s.segments.reduce(Int64(0)) { $0 + Int64($1.size) }
                while s.segments.count > 1, total > retentionBytes {
                    let segment = s.segments.removeFirst()
                    total -= Int64(segment.size)
                    if let protectedFrom, segment.nextOffset > protectedFrom {
                        outcome.forcedLossRecords += segment.nextOffset - max(segment.baseOffset, protectedFrom)
                    }
                    deleted.append(segment)
                }
            }
            for segment in deleted {
                segment.deleteFiles()
                s.sizeBytes -= Int64(segment.size)
                outcome.deletedBytes += Int64(segment.size)
            }
            s.logStartOffset = max(s.logStartOffset, s.segments[0].baseOffset)
            return (deleted, s.segments.count, s.sizeBytes)
        }
        guard !deleted.isEmpty else { return outcome }
        outcome.deletedSegments = deleted.count
        try? FileIO.fsyncDirectory(directory)
        metrics.retentionDeletedSegments.increment(by: Int64(deleted.count))
        metrics.segments.set(segmentCount)
        metrics.sizeBytes.set(size)
        logger.info("retention deleted segments", metadata: [
            "segments": "\(deleted.count)", "bytes": "\(outcome.deletedBytes)", "logStartOffset": "\(deleted.last!.nextOffset)"])
        if outcome.forcedLossRecords > 0 {
            metrics.forcedLossRecords.increment(by: outcome.forcedLossRecords)
            logger.warning("size retention deleted records a pinned consumer group had not committed", metadata: [
                "records": "\(outcome.forcedLossRecords)", "protectedFrom": "\(protectedFrom ?? -1)"])
        }
        return outcome
    }
}
