/// The orderings Prometheus' results inherit from Go's `sort` and `container/heap`, so
/// ties come out in the same order (`topk`, `sort`).
enum GoSort {
    /// Go's `sort.Sort` for short inputs is an insertion sort; longer inputs fall back to
    /// a stable sort, which orders ties by input position.
    static func sort<T>(_ a: inout [T], by less: (T, T) -> Bool) {
        if a.count <= 12 {
            var i = 1
            while i < a.count {
                var j = i
                while j > 0 && less(a[j], a[j - 1]) {
                    a.swapAt(j, j - 1)
                    j -= 1
                }
                i += 1
            }
        } else {
            a.sort(by: less)
        }
    }

    /// `heap.Push`: append, then move up.
    static func push<T>(_ h: inout [T], _ x: T, less: (T, T) -> Bool) {
        h.append(x)
        var j = h.count - 1
        while true {
            let i = (j - 1) / 2
            if i == j || j <= 0 || !less(h[j], h[i]) { break }
            h.swapAt(i, j)
            j = i
        }
    }

    /// `heap.Pop`: swap the root with the last element, move it down, remove the last.
    @discardableResult
    static func pop<T>(_ h: inout [T], less: (T, T) -> Bool) -> T {
        let n = h.count - 1
        h.swapAt(0, n)
        down(&h, 0, n, less: less)
        return h.removeLast()
    }

    private static func down<T>(_ h: inout [T], _ i0: Int, _ n: Int, less: (T, T) -> Bool) {
        var i = i0
        while true {
            let j1 = 2 * i + 1
            if j1 >= n || j1 < 0 { break }
            var j = j1
            let j2 = j1 + 1
            if j2 < n && less(h[j2], h[j1]) { j = j2 }
            if !less(h[j], h[i]) { break }
            h.swapAt(i, j)
            i = j
        }
    }
}
