import Logging
import Metrics
import PetrelCore
import Synchronization

/// The in-memory part of the database: recent samples of every active series,
/// indexed by label. Series live in striped maps so appends and queries on
/// different series rarely contend; each series has its own lock.
final class Head: Sendable {
    /// A power of two: ref & (stripeCount - 1) is the stripe.
    static let stripeCount = 64
    /// Timestamps are kept within ±2^62 ms so range arithmetic cannot overflow.
    static let timestampLimit: Int64 = 1 << 62

    struct Stripe {
        var byRef: [SeriesRef: MemSeries] = [:]
        var byHash: [UInt64: [MemSeries]] = [:]
    }

    /// Series creation bookkeeping: the next ref and the cardinality counters.
    struct Registry {
        var nextRef: SeriesRef = 1
        var perMetric: [String: Int] = [:]
        var total = 0
    }

    let options: TSDBOptions
    let postings = MemPostings()
    let stripes: [StripeLock]
    let registry = Mutex(Registry())
    let replay: Mutex<ReplayTracker>
    /// Samples older than this belong to persisted blocks; late ones go to the backfill buffer.
    let minValidTime: Atomic<Int64>
    let minTime = Atomic<Int64>(Int64.max)
    let maxTime = Atomic<Int64>(Int64.min)
    let sampleCount = Atomic<Int>(0)
    let metrics: TSDBMetrics
    let timeSource: any TimeSource
    /// Where samples too far behind the head go until they are written as blocks.
    let backfill = Backfill()

    init(options: TSDBOptions, minValidTime: Int64, replayOffset: Int64, metrics: TSDBMetrics,
         timeSource: any TimeSource) {
        self.options = options
        self.timeSource = timeSource
        self.stripes = (0..<Head.stripeCount).map { _ in StripeLock() }
        self.minValidTime = Atomic(minValidTime)
        self.replay = Mutex(ReplayTracker(resumeFrom: replayOffset))
        self.metrics = metrics
    }

    // MARK: series

    func series(_ ref: SeriesRef) -> MemSeries? {
        stripes[Head.stripe(ofRef: ref)].withLock { $0.byRef[ref] }
    }

    /// A series lives in the stripe chosen by its label hash; its ref carries
    /// that stripe in the low bits, so both maps of a series share one lock.
    static func stripe(ofRef ref: SeriesRef) -> Int { Int(ref & UInt64(stripeCount - 1)) }
    static func stripe(ofHash hash: UInt64) -> Int { Int(hash % UInt64(stripeCount)) }

    /// The series with these labels, created if new. Throws `.limit` when a new
    /// series would pass `maxSeries` or `maxSeriesPerMetric`.
    func getOrCreate(_ labels: Labels) throws -> MemSeries {
        guard !labels.isEmpty else { throw TSDBError(.invalidArgument, "a series needs at least one label") }
        let hash = labels.stableHash
        let stripeIndex = Head.stripe(ofHash: hash)
        return try stripes[stripeIndex].withLock { stripe in
            if let found = stripe.byHash[hash]?.first(where: { $0.labels == labels }) { return found }
            let metric = labels.name ?? ""
            let ref: SeriesRef = try registry.withLock { r in
                if options.maxSeries > 0 && r.total >= options.maxSeries {
                    metrics.seriesLimitRejections.increment()
                    throw TSDBError(.limit, "series limit reached: maxSeries=\(options.maxSeries), new series \(labels) of metric \"\(metric)\" rejected")
                }
                let perMetric = r.perMetric[metric, default: 0]
                if options.maxSeriesPerMetric > 0 && perMetric >= options.maxSeriesPerMetric {
                    metrics.seriesLimitRejections.increment()
                    throw TSDBError(.limit, "series limit reached for metric \"\(metric)\": maxSeriesPerMetric=\(options.maxSeriesPerMetric)")
                }
                r.perMetric[metric] = perMetric + 1
                r.total += 1
                defer { r.nextRef += 1 }
                // Refs still increase with creation order, which keeps postings sorted.
                return r.nextRef << 6 | SeriesRef(stripeIndex)
            }
            let interned = postings.add(ref, labels)
            let series = MemSeries(ref: ref, labels: interned)
            stripe.byHash[hash, default: []].append(series)
            stripe.byRef[ref] = series
            metrics.headSeries.record(seriesCount)
            return series
        }
    }

    var seriesCount: Int { registry.withLock { $0.total } }

    /// Every series currently in the head (a snapshot).
    func allSeries() -> [MemSeries] {
        var out: [MemSeries] = []
        for stripe in stripes { stripe.withLock { out.append(contentsOf: $0.byRef.values) } }
        return out
    }

    /// Drops series that hold no samples (after a cut) from the maps and the index.
    func removeEmpty(_ candidates: [MemSeries]) {
        var removed: [MemSeries] = []
        for series in candidates {
            let hash = series.labels.stableHash
            stripes[Head.stripe(ofHash: hash)].withLock { stripe in
                // Checked under the series lock so a concurrent commit either lands first
                // (and the series stays) or sees `removed` and re-creates it.
                let empty = series.state.withLock { s in
                    if s.isEmpty { s.removed = true }
                    return s.removed
                }
                guard empty else { return }
                stripe.byHash[hash]?.removeAll { $0 === series }
                if stripe.byHash[hash]?.isEmpty == true { stripe.byHash[hash] = nil }
                stripe.byRef.removeValue(forKey: series.ref)
                removed.append(series)
            }
        }
        guard !removed.isEmpty else { return }
        registry.withLock { r in
            for series in removed {
                let metric = series.labels.name ?? ""
                r.total -= 1
                let left = r.perMetric[metric, default: 1] - 1
                r.perMetric[metric] = left > 0 ? left : nil
            }
        }
        postings.remove(removed.map(\.ref), labels: removed.map(\.labels))
        metrics.headSeries.record(seriesCount)
    }

    // MARK: appends

    /// Why a sample is refused before it is buffered, or nil when it is acceptable:
    /// only a timestamp outside ±2^62 ms or older than now minus retention.
    func check(_ t: Int64) -> TSDBError? {
        guard t > -Head.timestampLimit && t < Head.timestampLimit else {
            return TSDBError(.outOfBounds, "sample timestamp \(t) is outside ±2^62 ms")
        }
        let cutoff = timeSource.nowMillis() &- options.retention
        if t < cutoff {
            return TSDBError(.beyondRetention, "sample at \(t) is older than the retention of \(options.retention) ms (oldest accepted: \(cutoff))")
        }
        return nil
    }

    /// Applies a batch: each sample under its own series' lock, then records the offset.
    /// A sample before the min valid time, or older than the out-of-order window
    /// and older than everything its series holds in the head, goes to the
    /// backfill buffer instead (see docs/formats/tsdb.md); the head and the
    /// buffer never hold the same series and timestamp.
    func commit(_ batch: [PendingSample], sourceOffset: Int64?) {
        var accepted = 0
        var backfilled: [BackfillSample] = []
        var newest = Int64.min, oldest = Int64.max
        for sample in batch {
            var series = sample.series
            while true {
                let minValid = minValidTime.load(ordering: .acquiring)
                let headMax = maxTime.load(ordering: .relaxed)
                let result = series.state.withLock { s -> AppendOutcome? in
                    if s.removed { return nil }
                    if sample.t < minValid { return .backfill }
                    if headMax != Int64.min && sample.t < headMax &- options.outOfOrderWindow
                        && (s.isEmpty || sample.t < s.minTime) {
                        return .backfill
                    }
                    return s.append(sample.t, sample.v, chunkSamples: options.chunkSamples)
                }
                guard let result else {
                    // Dropped by a cut since the appender resolved it: re-create and retry.
                    if let fresh = try? getOrCreate(series.labels) {
                        series = fresh
                        continue
                    }
                    // The series cannot come back (a limit): keep the sample rather than lose it.
                    backfilled.append(BackfillSample(labels: series.labels, t: sample.t, v: sample.v))
                    break
                }
                switch result {
                case .appended, .outOfOrder:
                    accepted += 1
                    newest = max(newest, sample.t)
                    oldest = min(oldest, sample.t)
                case .backfill:
                    backfilled.append(BackfillSample(labels: series.labels, t: sample.t, v: sample.v))
                case .duplicate:
                    break
                }
                break
            }
        }
        if accepted > 0 {
            sampleCount.add(accepted, ordering: .relaxed)
            maxTime.max(newest)
            minTime.min(oldest)
        }
        if accepted + backfilled.count > 0 { metrics.samplesAppended.increment(by: accepted + backfilled.count) }
        // The buffer learns the offset before the tracker does, so a reader that
        // sees the tracker past this batch also sees the batch's backfill offset.
        backfill.add(backfilled, sourceOffset: sourceOffset, now: timeSource.nowMillis())
        if let sourceOffset {
            let end: Int64? = accepted > 0 ? blockStart(newest) + options.blockDuration : nil
            replay.withLock { $0.commit(offset: sourceOffset, rangeEnd: end) }
        }
    }

    /// Where the caller should resume feeding: the smallest source offset with
    /// samples neither in blocks nor superseded. Reads the tracker before the
    /// backfill buffer (commits write them in the opposite order).
    var replayOffset: Int64 {
        let tracked = replay.withLock { $0.replayOffset }
        return min(tracked, backfill.pendingOffset ?? .max)
    }

    /// The start of the aligned block range holding `t`.
    func blockStart(_ t: Int64) -> Int64 {
        let d = options.blockDuration
        let q = t / d
        return (t % d < 0 ? q - 1 : q) * d
    }
}

/// A sample waiting in an appender for its batch to be committed.
struct PendingSample {
    var series: MemSeries
    var t: Int64
    var v: Double
}

extension Atomic where Value == Int64 {
    func max(_ v: Int64) {
        var current = load(ordering: .relaxed)
        while v > current {
            let (exchanged, original) = compareExchange(expected: current, desired: v, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    func min(_ v: Int64) {
        var current = load(ordering: .relaxed)
        while v < current {
            let (exchanged, original) = compareExchange(expected: current, desired: v, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}

/// One stripe of the series maps with its own lock (a class because `Mutex`
/// cannot be stored in an array).
final class StripeLock: Sendable {
    private let mutex = Mutex(Head.Stripe())

    func withLock<R, E: Error>(_ body: (inout sending Head.Stripe) throws(E) -> sending R) throws(E) -> sending R {
        try mutex.withLock(body)
    }
}
