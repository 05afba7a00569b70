import PetrelCore

/// Everything about a partition that changes, guarded by `PartitionLog.state`.
struct PartitionState {
    /// Ordered by base offset; the last one is the active segment.
    var segments: [Segment]
    var logStartOffset: Int64
    var logEndOffset: Int64
    var highWatermark: Int64
    var sizeBytes: Int64
    var closed = false
    /// Segments rolled but not yet fsynced and indexed, oldest first; the
    /// high watermark passes their data only once `sealRolledSegments` ran.
    var rolledUnsealed: [Segment] = []
    /// Whether a background task is sealing rolled segments.
    var sealScheduled = false
    /// Idempotent producers' recent batches, for deduplicating retries.
    var producers = ProducerStateTable()

    /// Group commit: whether an appender is leading the next fsync.
    var flushLeaderActive = false
    var syncWaiters: [SyncWaiter] = []
    /// When the last group-commit fsync finished (monotonic), where the next window starts.
    var lastFsyncNanos: Int64 = 0

    /// Readers parked in `waitForData`, by id.
    var dataWaiters: [UInt64: DataWaiter] = [:]
    var nextWaiterID: UInt64 = 0

    var active: Segment { segments[segments.count - 1] }

    /// Raises the high watermark and hands back the readers it wakes.
    mutating func advanceHighWatermark(to offset: Int64) -> [CheckedContinuation<Bool, Never>] {
        guard offset > highWatermark else { return [] }
        highWatermark = offset
        guard !dataWaiters.isEmpty else { return [] }
        var woken: [CheckedContinuation<Bool, Never>] = []
        for (id, waiter) in dataWaiters where waiter.after < offset {
            woken.append(waiter.continuation)
            dataWaiters[id] = nil
        }
        return woken
    }

    /// The index of the segment holding `offset` (the last one starting at or before it).
    func segmentIndex(for offset: Int64) -> Int {
        var low = 0, high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].baseOffset <= offset { low = mid + 1 } else { high = mid }
        }
        return max(0, low - 1)
    }
}

/// An appender waiting for the fsync that makes its records durable.
struct SyncWaiter {
    let target: Int64
    let continuation: CheckedContinuation<SyncOutcome, Never>
}

/// What an appender waiting for durability is told.
enum SyncOutcome: Sendable {
    case durable
    /// No fsync is under way: the waiter must lead the next one.
    case lead
    case failed(LogStorageError)
}

/// A reader waiting for the high watermark to pass `after`.
struct DataWaiter {
    let after: Int64
    let continuation: CheckedContinuation<Bool, Never>
}
