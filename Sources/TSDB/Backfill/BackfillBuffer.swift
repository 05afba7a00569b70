import PetrelCore

/// The samples of one series in the backfill buffer: ascending, unique times.
struct BackfillSeries: Sendable {
    var times: [Int64] = []
    var values: [Double] = []

    /// Adds a sample; an existing time takes the new value (newest write wins).
    /// Returns true when the series grew by one sample.
    mutating func insert(_ t: Int64, _ v: Double) -> Bool {
        if let last = times.last, t <= last {
            let i = SampleMerge.lowerBound(times, t)
            if times[i] == t {
                values[i] = v
                return false
            }
            times.insert(t, at: i)
            values.insert(v, at: i)
            return true
        }
        times.append(t)
        values.append(v)
        return true
    }

    func overlaps(mint: Int64, maxt: Int64) -> Bool {
        guard let first = times.first, let last = times.last else { return false }
        return first <= maxt && last >= mint
    }
}

/// Samples accepted too far behind the head to merge into it (older than the
/// out-of-order window, or before the persisted boundary), kept by series until
/// they are written as blocks. A value type: a querier keeps a copy-on-write
/// snapshot, so later appends and flushes never change what it reads.
struct BackfillBuffer: Sendable {
    var series: [Labels: BackfillSeries] = [:]
    var sampleCount = 0
    /// The smallest source offset of a sample held here, nil when none has one.
    var minOffset: Int64?
    /// When (ms, from the time source) the oldest-buffered sample arrived.
    var firstBufferedAt: Int64?

    var isEmpty: Bool { series.isEmpty }

    mutating func insert(_ labels: Labels, _ t: Int64, _ v: Double) {
        if series[labels, default: BackfillSeries()].insert(t, v) { sampleCount += 1 }
    }

    /// Series whose labels satisfy every matcher.
    func matching(_ matchers: [LabelMatcher]) -> [(Labels, BackfillSeries)] {
        series.filter { entry in
            matchers.allSatisfy { $0.matches(entry.key[$0.name] ?? "") }
        }.map { ($0.key, $0.value) }
    }

    /// The samples grouped by the aligned block range holding them (keyed by
    /// range start), each group's series sorted by labels, for persisting.
    func byBlockRange(duration: Int64, blockStart: (Int64) -> Int64) -> [Int64: [SeriesData]] {
        var out: [Int64: [SeriesData]] = [:]
        for (labels, s) in series {
            var i = 0
            while i < s.times.count {
                let start = blockStart(s.times[i])
                let j = SampleMerge.lowerBound(s.times, start + duration)
                out[start, default: []].append(SeriesData(labels: labels, timestamps: Array(s.times[i..<j]),
                                                          values: Array(s.values[i..<j])))
                i = j
            }
        }
        for start in out.keys { out[start]!.sort { $0.labels < $1.labels } }
        return out
    }
}
