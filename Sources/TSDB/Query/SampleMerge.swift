/// Merging of sorted sample columns from several sources (head chunks, OOO
/// buffers, blocks): the single place where duplicates are resolved.
enum SampleMerge {
    typealias Columns = (timestamps: [Int64], values: [Double])

    /// Merges two ascending, unique-time sample lists; for equal times the value
    /// from `newer` wins (a later write replaces an earlier one).
    static func merge(_ older: Columns, _ newer: Columns) -> Columns {
        if older.timestamps.isEmpty { return newer }
        if newer.timestamps.isEmpty { return older }
        var ts: [Int64] = [], vs: [Double] = []
        ts.reserveCapacity(older.timestamps.count + newer.timestamps.count)
        vs.reserveCapacity(ts.capacity)
        var i = 0, j = 0
        let a = older.timestamps, b = newer.timestamps
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                ts.append(a[i]); vs.append(older.values[i]); i += 1
            } else if i == a.count || b[j] < a[i] {
                ts.append(b[j]); vs.append(newer.values[j]); j += 1
            } else {
                ts.append(b[j]); vs.append(newer.values[j]); i += 1; j += 1
            }
        }
        return (ts, vs)
    }

    /// The samples within [mint, maxt].
    static func clip(_ columns: Columns, mint: Int64, maxt: Int64) -> Columns {
        let ts = columns.timestamps
        guard let first = ts.first, let last = ts.last else { return columns }
        if first >= mint && last <= maxt { return columns }
        let lo = lowerBound(ts, mint)
        let hi = lowerBound(ts, maxt == Int64.max ? maxt : maxt + 1)
        let end = maxt == Int64.max ? ts.count : hi
        guard lo < end else { return ([], []) }
        return (Array(ts[lo..<end]), Array(columns.values[lo..<end]))
    }

    /// The first index whose time is >= t.
    static func lowerBound(_ ts: [Int64], _ t: Int64) -> Int {
        var low = 0, high = ts.count
        while low < high {
            let mid = (low + high) / 2
            if ts[mid] < t { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
