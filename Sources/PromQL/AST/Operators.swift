/// The binary operators of PromQL with their precedence, the table the parser and the
/// evaluator both read.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless

    /// Binding strength: higher binds tighter. `^` is the only right-associative level.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }

    public var isRightAssociative: Bool { self == .pow }

    public var isComparison: Bool {
        switch self {
        case .eql, .neq, .gtr, .lss, .gte, .lte: return true
        default: return false
        }
    }

    public var isSetOperator: Bool { self == .and || self == .or || self == .unless }

    /// Arithmetic results lose the metric name; comparisons keep it (unless `bool`).
    var dropsMetricName: Bool {
        switch self {
        case .add, .sub, .mul, .div, .pow, .mod: return true
        default: return false
        }
    }
}

/// The aggregation operators of PromQL.
public enum AggregationOperator: String, Sendable, CaseIterable {
    case sum, avg, count, min, max, group, stddev, stdvar, topk, bottomk
    case countValues = "count_values"
    case quantile

    /// Whether the operator takes a parameter before the vector (`topk(3, x)`).
    public var hasParameter: Bool {
        switch self {
        case .topk, .bottomk, .countValues, .quantile: return true
        default: return false
        }
    }
}
