/// Tracks which source (topic) offsets still have samples only in the head, so
/// the TSDB can tell the caller where to resume feeding after a restart.
///
/// Each committed batch is remembered by the end of the block range holding its
/// newest accepted sample: once a block cut persists everything before that end,
/// the batch is fully on disk. Only batches whose range end exceeds every
/// earlier batch's are kept (an earlier batch with a later end already pins the
/// replay point), so the list holds about one entry per block range.
struct ReplayTracker: Sendable {
    private var pending: [(offset: Int64, rangeEnd: Int64)] = []
    private(set) var lastCommitted: Int64

    init(resumeFrom replayOffset: Int64) {
        lastCommitted = replayOffset - 1
    }

    mutating func commit(offset: Int64, rangeEnd: Int64?) {
        lastCommitted = max(lastCommitted, offset)
        guard let rangeEnd else { return }
        if let last = pending.last, last.rangeEnd >= rangeEnd { return }
        pending.append((offset, rangeEnd))
    }

    /// Everything before `boundary` is now in persisted blocks.
    mutating func persisted(upTo boundary: Int64) {
        pending.removeAll { $0.rangeEnd <= boundary }
    }

    /// The smallest offset whose samples are not all persisted yet.
    var replayOffset: Int64 { pending.first?.offset ?? lastCommitted + 1 }
}
