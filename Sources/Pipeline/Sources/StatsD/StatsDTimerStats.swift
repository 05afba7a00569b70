import PetrelCore

/// The running summary of a timing, histogram or distribution over one
/// flush interval: Telegraf's fields (count, lower, upper, sum, mean, median,
/// stddev, percentiles). Percentiles come from a reservoir of at most
/// `limit` values, so memory per series is bounded however many arrive.
struct StatsDTimerStats {
    private(set) var count = 0
    private(set) var sum = 0.0
    private(set) var lower = Double.infinity
    private(set) var upper = -Double.infinity
    private var mean = 0.0
    private var m2 = 0.0
    private var reservoir: [Double] = []
    private var random = SplitMix64(seed: 0x5DEE_CE66)

    /// Adds `value` `times` times (a sample rate of 1/times).
    mutating func add(_ value: Double, times: Int, limit: Int) {
        for _ in 0..<max(1, times) {
            count += 1
            sum += value
            lower = min(lower, value)
            upper = max(upper, value)
            let delta = value - mean
            mean += delta / Double(count)
            m2 += delta * (value - mean)
            if reservoir.count < limit {
                reservoir.append(value)
            } else if limit > 0 {
                let slot = Int(random.next() % UInt64(count))
                if slot < limit { reservoir[slot] = value }
            }
        }
    }

    var average: Double { mean }
    /// Population standard deviation, as Telegraf reports it.
    var stddev: Double { count > 0 ? (m2 / Double(count)).squareRoot() : 0 }

    /// The values sorted, for `percentile` and `median`.
    func sorted() -> [Double] { reservoir.sorted() }

    /// Telegraf's percentile: the value at index `count * p / 100` of the sorted reservoir.
    static func percentile(_ p: Double, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = Int(Double(sorted.count) * p / 100)
        return sorted[min(max(index, 0), sorted.count - 1)]
    }

    static func median(of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
