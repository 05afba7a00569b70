/// Prometheus' quantile estimates: `quantile` / `quantile_over_time` over raw values and
/// `histogram_quantile` over classic `le` buckets.
enum Quantile {
    /// The φ-quantile of `values` by linear interpolation between the closest ranks;
    /// -Inf below 0, +Inf above 1, NaN for no values or a NaN φ. NaN values sort first.
    static func of(_ q: Double, _ values: [Double]) -> Double {
        if values.isEmpty || q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let sorted = values.sorted { $0.isNaN && !$1.isNaN || $0 < $1 }
        let n = Double(sorted.count)
        let rank = q * (n - 1)
        let lower = max(0, rank.rounded(.down))
        let upper = min(n - 1, lower + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[Int(lower)] * (1 - weight) + sorted[Int(upper)] * weight
    }

    /// One `le` bucket: its upper bound and cumulative count.
    struct Bucket {
        var upperBound: Double
        var count: Double
    }

    /// Prometheus' `bucketQuantile`: sorts the buckets, needs a +Inf bucket, merges buckets
    /// with the same bound, repairs non-monotonic counts, then interpolates linearly inside
    /// the bucket holding the rank (the lowest bucket from 0 when its bound is positive).
    static func bucketQuantile(_ q: Double, _ input: [Bucket]) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var buckets = input.sorted { $0.upperBound < $1.upperBound }
        guard let top = buckets.last, top.upperBound == .infinity else { return .nan }
        buckets = coalesce(buckets)
        var maximum = buckets[0].count
        for i in 1..<buckets.count {
            if buckets[i].count > maximum {
                maximum = buckets[i].count
            } else if buckets[i].count < maximum {
                buckets[i].count = maximum
            }
        }
        if buckets.count < 2 { return .nan }
        let observations = buckets[buckets.count - 1].count
        if observations == 0 { return .nan }
        var rank = q * observations
        // sort.Search over all but the +Inf bucket: the first with count >= rank.
        var b = 0
        var high = buckets.count - 1
        while b < high {
            let mid = (b + high) / 2
            if buckets[mid].count >= rank { high = mid } else { b = mid + 1 }
        }
        if b == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
        if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var bucketStart = 0.0
        let bucketEnd = buckets[b].upperBound
        var count = buckets[b].count
        if b > 0 {
            bucketStart = buckets[b - 1].upperBound
            count -= buckets[b - 1].count
            rank -= buckets[b - 1].count
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count)
    }

    /// Buckets with the same upper bound become one with the summed count.
    private static func coalesce(_ buckets: [Bucket]) -> [Bucket] {
        var out: [Bucket] = []
        out.reserveCapacity(buckets.count)
        var last = buckets[0]
        for b in buckets.dropFirst() {
            if b.upperBound == last.upperBound {
                last.count += b.count
            } else {
                out.append(last)
                last = b
            }
        }
        out.append(last)
        return out
    }
}
