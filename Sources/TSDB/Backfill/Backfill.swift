import PetrelCore
import Synchronization

/// One sample on its way into the backfill buffer.
struct BackfillSample {
    var labels: Labels
    var t: Int64
    var v: Double
}

/// The shared backfill buffer: an `active` buffer that commits add to, and
/// while a flush writes blocks, the `flushing` buffer it took, which queries
/// still read until the blocks are in place.
final class Backfill: Sendable {
    private struct State {
        var active = BackfillBuffer()
        var flushing: BackfillBuffer?
    }

    private let state = Mutex(State())
    /// Samples in the active buffer, readable without the lock.
    let activeCount = Atomic<Int>(0)
    /// Arrival time (ms) of the active buffer's oldest sample, Int64.max when empty.
    let activeSince = Atomic<Int64>(Int64.max)

    /// Adds a committed batch's backfill samples under one lock acquisition.
    func add(_ samples: [BackfillSample], sourceOffset: Int64?, now: Int64) {
        guard !samples.isEmpty else { return }
        state.withLock { s in
            for sample in samples { s.active.insert(sample.labels, sample.t, sample.v) }
            if let sourceOffset { s.active.minOffset = min(s.active.minOffset ?? sourceOffset, sourceOffset) }
            if s.active.firstBufferedAt == nil { s.active.firstBufferedAt = now }
            activeCount.store(s.active.sampleCount, ordering: .relaxed)
            activeSince.store(s.active.firstBufferedAt ?? .max, ordering: .relaxed)
        }
    }

    /// The buffers a query should read, oldest first (later ones win on equal times).
    func snapshot() -> [BackfillBuffer] {
        state.withLock { s in
            var out: [BackfillBuffer] = []
            if let f = s.flushing { out.append(f) }
            if !s.active.isEmpty { out.append(s.active) }
            return out
        }
    }

    /// The smallest source offset of a sample not yet persisted, over both buffers.
    var pendingOffset: Int64? {
        state.withLock { s in
            [s.active.minOffset, s.flushing?.minOffset].compactMap { $0 }.min()
        }
    }

    /// The smallest source offset held by the active buffer only (what stays
    /// pending once the flushing buffer is persisted).
    var activeOffset: Int64? { state.withLock { $0.active.minOffset } }

    /// Moves the active buffer to `flushing` and returns it; returns the buffer
    /// of an earlier flush that failed instead, so it is retried first. Nil when
    /// there is nothing to persist.
    func beginFlush() -> BackfillBuffer? {
        state.withLock { s in
            if let pending = s.flushing { return pending }
            guard !s.active.isEmpty else { return nil }
            s.flushing = s.active
            s.active = BackfillBuffer()
            activeCount.store(0, ordering: .relaxed)
            activeSince.store(.max, ordering: .relaxed)
            return s.flushing
        }
    }

    /// Drops the flushing buffer once its blocks are readable.
    func endFlush() {
        state.withLock { $0.flushing = nil }
    }
}
