import PetrelCore

/// A parsed PromQL expression: the tree the parser builds, the printer prints and the
/// engine evaluates. Positions point back into the query text for error messages; they are
/// not part of what the query means.
public indirect enum Expr: Sendable, Equatable {
    case number(NumberLiteral)
    case string(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case paren(ParenExpr)
    case unary(UnaryExpr)
    case binary(BinaryExpr)
    case aggregate(AggregateExpr)
    case call(Call)

    /// The type of value the expression evaluates to, as Prometheus' type checker sees it.
    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector, .aggregate: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .paren(let p): return p.expr.type
        case .unary(let u): return u.expr.type
        case .binary(let b): return b.lhs.type == .scalar && b.rhs.type == .scalar ? .scalar : .vector
        case .call(let c): return c.function.returnType
        }
    }

    /// Where the expression is in the query text.
    public var position: PositionRange {
        switch self {
        case .number(let n): return n.position
        case .string(let s): return s.position
        case .vectorSelector(let v): return v.position
        case .matrixSelector(let m): return PositionRange(start: m.selector.position.start, end: m.endPosition)
        case .subquery(let s): return PositionRange(start: s.expr.position.start, end: s.endPosition)
        case .paren(let p): return p.position
        case .unary(let u): return PositionRange(start: u.startPosition, end: u.expr.position.end)
        case .binary(let b): return PositionRange(start: b.lhs.position.start, end: b.rhs.position.end)
        case .aggregate(let a): return a.position
        case .call(let c): return c.position
        }
    }
}

/// The four types a PromQL expression can have (plus `none` for the empty argument list).
public enum ValueType: String, Sendable, Equatable {
    case none, scalar, vector, matrix, string

    /// The name Prometheus' error messages use: "instant vector", "range vector", ...
    public var documentedName: String {
        switch self {
        case .vector: return "instant vector"
        case .matrix: return "range vector"
        default: return rawValue
        }
    }
}

/// A number literal such as `1`, `0x1f`, `1e3`, `Inf`, `NaN` (a leading minus is folded in).
public struct NumberLiteral: Sendable, Equatable {
    public var value: Double
    public var position: PositionRange

    public init(_ value: Double, position: PositionRange = .zero) {
        self.value = value
        self.position = position
    }

    public static func == (lhs: NumberLiteral, rhs: NumberLiteral) -> Bool {
        lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN)
    }
}

/// A string literal, unquoted.
public struct StringLiteral: Sendable, Equatable {
    public var value: String
    public var position: PositionRange

    public init(_ value: String, position: PositionRange = .zero) {
        self.value = value
        self.position = position
    }

    public static func == (lhs: StringLiteral, rhs: StringLiteral) -> Bool { lhs.value == rhs.value }
}

/// The `@` modifier: a fixed evaluation time, or the start or end of the query range.
public enum AtModifier: Sendable, Equatable {
    /// Milliseconds since the epoch.
    case timestamp(Int64)
    case start
    case end
}

/// An instant vector selector `name{matchers} @ t offset d`. When a name is given, the
/// parser also appends the matching `__name__="name"` matcher, as Prometheus does.
public struct VectorSelector: Sendable, Equatable {
    public var name: String
    public var matchers: [LabelMatcher]
    /// Offset in milliseconds as written (negative for `offset -5m`).
    public var offset: Int64
    public var at: AtModifier?
    public var position: PositionRange

    public init(name: String, matchers: [LabelMatcher], offset: Int64 = 0, at: AtModifier? = nil,
                position: PositionRange = .zero) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.position = position
    }

    /// Matcher order does not change what a selector selects, so it does not take part.
    public static func == (lhs: VectorSelector, rhs: VectorSelector) -> Bool {
        lhs.name == rhs.name && lhs.offset == rhs.offset && lhs.at == rhs.at
            && lhs.matchers.map(\.description).sorted() == rhs.matchers.map(\.description).sorted()
    }
}

/// A range vector selector `selector[range]`; offset and `@` live on the inner selector.
public struct MatrixSelector: Sendable, Equatable {
    public var selector: VectorSelector
    /// Range in milliseconds.
    public var range: Int64
    public var endPosition: Int

    public init(selector: VectorSelector, range: Int64, endPosition: Int = 0) {
        self.selector = selector
        self.range = range
        self.endPosition = endPosition
    }

    public static func == (lhs: MatrixSelector, rhs: MatrixSelector) -> Bool {
        lhs.selector == rhs.selector && lhs.range == rhs.range
    }
}

/// A subquery `expr[range:step] @ t offset d`; a step of 0 means the default step.
public struct SubqueryExpr: Sendable, Equatable {
    public var expr: Expr
    public var range: Int64
    public var step: Int64
    public var offset: Int64
    public var at: AtModifier?
    public var endPosition: Int

    public init(expr: Expr, range: Int64, step: Int64, offset: Int64 = 0, at: AtModifier? = nil, endPosition: Int = 0) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
        self.endPosition = endPosition
    }

    public static func == (lhs: SubqueryExpr, rhs: SubqueryExpr) -> Bool {
        lhs.expr == rhs.expr && lhs.range == rhs.range && lhs.step == rhs.step
            && lhs.offset == rhs.offset && lhs.at == rhs.at
    }
}

/// A parenthesised expression; kept in the tree so printing reproduces the grouping.
public struct ParenExpr: Sendable, Equatable {
    public var expr: Expr
    public var position: PositionRange

    public init(_ expr: Expr, position: PositionRange = .zero) {
        self.expr = expr
        self.position = position
    }

    public static func == (lhs: ParenExpr, rhs: ParenExpr) -> Bool { lhs.expr == rhs.expr }
}

/// Unary `-expr` or `+expr` (on anything but a number literal, which folds the sign in).
public struct UnaryExpr: Sendable, Equatable {
    public enum Operator: String, Sendable { case plus = "+", minus = "-" }
    public var op: Operator
    public var expr: Expr
    public var startPosition: Int

    public init(op: Operator, expr: Expr, startPosition: Int = 0) {
        self.op = op
        self.expr = expr
        self.startPosition = startPosition
    }

    public static func == (lhs: UnaryExpr, rhs: UnaryExpr) -> Bool { lhs.op == rhs.op && lhs.expr == rhs.expr }
}

/// How the two sides of a vector-vector binary operation are paired.
public struct VectorMatching: Sendable, Equatable {
    public enum Cardinality: String, Sendable { case oneToOne, manyToOne, oneToMany, manyToMany }
    public var cardinality: Cardinality
    /// The labels of `on(...)` or `ignoring(...)`.
    public var matchingLabels: [String]
    /// True for `on`, false for `ignoring`.
    public var on: Bool
    /// The extra labels of `group_left(...)` / `group_right(...)`.
    public var include: [String]

    public init(cardinality: Cardinality = .oneToOne, matchingLabels: [String] = [], on: Bool = false, include: [String] = []) {
        self.cardinality = cardinality
        self.matchingLabels = matchingLabels
        self.on = on
        self.include = include
    }
}

/// A binary operation `lhs op bool on(...) group_left(...) rhs`.
public struct BinaryExpr: Sendable, Equatable {
    public var op: BinaryOperator
    public var lhs: Expr
    public var rhs: Expr
    /// Present only when both sides are instant vectors.
    public var matching: VectorMatching?
    public var returnBool: Bool
    /// Byte offset of the operator, for error messages.
    public var operatorPosition: Int

    public init(op: BinaryOperator, lhs: Expr, rhs: Expr, matching: VectorMatching? = nil, returnBool: Bool = false,
                operatorPosition: Int = 0) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.matching = matching
        self.returnBool = returnBool
        self.operatorPosition = operatorPosition
    }

    public static func == (lhs: BinaryExpr, rhs: BinaryExpr) -> Bool {
        lhs.op == rhs.op && lhs.lhs == rhs.lhs && lhs.rhs == rhs.rhs && lhs.matching == rhs.matching
            && lhs.returnBool == rhs.returnBool
    }
}

/// An aggregation `op by/without (labels) ([param,] expr)`.
public struct AggregateExpr: Sendable, Equatable {
    public var op: AggregationOperator
    public var expr: Expr
    /// The first argument of `topk`, `bottomk`, `quantile` and `count_values`.
    public var param: Expr?
    public var grouping: [String]
    public var without: Bool
    public var position: PositionRange

    public init(op: AggregationOperator, expr: Expr, param: Expr? = nil, grouping: [String] = [], without: Bool = false,
                position: PositionRange = .zero) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.without = without
        self.position = position
    }

    public static func == (lhs: AggregateExpr, rhs: AggregateExpr) -> Bool {
        lhs.op == rhs.op && lhs.expr == rhs.expr && lhs.param == rhs.param && lhs.grouping == rhs.grouping
            && lhs.without == rhs.without
    }
}

/// A function call `name(args...)`.
public struct Call: Sendable, Equatable {
    public var function: FunctionSignature
    public var args: [Expr]
    public var position: PositionRange

    public init(function: FunctionSignature, args: [Expr], position: PositionRange = .zero) {
        self.function = function
        self.args = args
        self.position = position
    }

    public static func == (lhs: Call, rhs: Call) -> Bool { lhs.function.name == rhs.function.name && lhs.args == rhs.args }
}
