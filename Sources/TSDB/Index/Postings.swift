/// Set operations on postings lists: sorted, duplicate-free arrays of series ids.
/// They turn label matchers into the list of series a query has to read.
enum Postings {
    /// Ids present in every list.
    static func intersect(_ lists: [[UInt64]]) -> [UInt64] {
        guard var result = lists.min(by: { $0.count < $1.count }) else { return [] }
        for list in lists where !result.isEmpty {
            result = intersect(result, list)
        }
        return result
    }

    static func intersect(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                out.append(a[i]); i += 1; j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return out
    }

    /// Ids present in any list.
    static func union(_ lists: [[UInt64]]) -> [UInt64] {
        switch lists.count {
        case 0: return []
        case 1: return lists[0]
        case 2: return union(lists[0], lists[1])
        default:
            // Pairwise merging keeps the work O(n log k).
            let mid = lists.count / 2
            return union(union(Array(lists[..<mid])), union(Array(lists[mid...])))
        }
    }

    static func union(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                out.append(a[i]); i += 1; j += 1
            } else if a[i] < b[j] {
                out.append(a[i]); i += 1
            } else {
                out.append(b[j]); j += 1
            }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }

    /// Ids in `a` that are not in `b`.
    static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count)
        var j = 0
        for id in a {
            while j < b.count && b[j] < id { j += 1 }
            if j < b.count && b[j] == id { continue }
            out.append(id)
        }
        return out
    }
}
