import PetrelCore

/// One element of an instant vector: a series' labels with one value at one time.
public typealias VectorSample = Sample

/// The value a query evaluates to, in the four shapes of the Prometheus HTTP API.
public enum QueryResult: Sendable, Equatable {
    case scalar(t: Int64, v: Double)
    case string(t: Int64, s: String)
    case vector([VectorSample])
    case matrix([SeriesData])

    public static func == (lhs: QueryResult, rhs: QueryResult) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(t1, v1), .scalar(t2, v2)): return t1 == t2 && (v1 == v2 || (v1.isNaN && v2.isNaN))
        case let (.string(t1, s1), .string(t2, s2)): return t1 == t2 && s1 == s2
        case let (.vector(a), .vector(b)):
            return a.count == b.count && zip(a, b).allSatisfy {
                $0.labels == $1.labels && $0.timestamp == $1.timestamp
                    && ($0.value == $1.value || ($0.value.isNaN && $1.value.isNaN))
            }
        case let (.matrix(a), .matrix(b)): return a == b
        default: return false
        }
    }
}
