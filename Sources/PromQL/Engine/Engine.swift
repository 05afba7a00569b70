import PetrelCore

/// Runs PromQL queries over a `PromQLStorage`, step by step like Prometheus' engine, so
/// results match a real Prometheus on the same data.
public struct Engine: Sendable {
    public let options: EngineOptions

    public init(options: EngineOptions = .init()) {
        self.options = options
    }

    /// Evaluates `query` at one instant `time` (ms). Vector results carry `time` as their
    /// timestamp; range-vector results keep the samples' own timestamps.
    public func instantQuery(_ query: String, at time: Int64, storage: some PromQLStorage) throws(PromQLError) -> QueryResult {
        let expr = try Parser.parse(query)
        try Engine.checkSupported(expr)
        var evaluator = Evaluator(storage: storage, options: options, start: time, end: time, interval: 1)
        let value = try evaluator.evaluate(expr)
        switch value {
        case .string(let s):
            return .string(t: time, s: s)
        case .matrix(let series):
            switch expr.type {
            case .scalar:
                return .scalar(t: time, v: series.first?.values.first ?? .nan)
            case .matrix:
                return .matrix(series)
            default:
                return .vector(series.map { VectorSample(labels: $0.labels, timestamp: time, value: $0.values[0]) })
            }
        }
    }

    /// Evaluates `query` at every `step` ms from `start` to `end` (inclusive). The result
    /// is a matrix with series sorted by labels; scalars become one series without labels.
    public func rangeQuery(_ query: String, start: Int64, end: Int64, step: Int64,
                           storage: some PromQLStorage) throws(PromQLError) -> QueryResult {
        let expr = try Parser.parse(query)
        guard expr.type == .vector || expr.type == .scalar else {
            throw PromQLError(.badData,
                              "invalid expression type \(goQuote(expr.type.documentedName)) for range query, must be Scalar or instant Vector")
        }
        guard step > 0 else {
            throw PromQLError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard end >= start else { throw PromQLError(.badData, "end timestamp must not be before start time") }
        try Engine.checkSupported(expr)
        var evaluator = Evaluator(storage: storage, options: options, start: start, end: end, interval: step)
        guard case .matrix(var series) = try evaluator.evaluate(expr) else {
            throw PromQLError(.execution, "unexpected string result for range query")
        }
        series.sort { $0.labels < $1.labels }
        return .matrix(series)
    }

    /// Throws "not implemented yet" for anything the parser accepts but this engine does not
    /// evaluate yet, before any data is read, so no query gets a partial or wrong answer.
    static func checkSupported(_ expr: Expr) throws(PromQLError) {
        switch expr {
        case .number, .string, .vectorSelector, .matrixSelector:
            return
        case .paren(let p):
            try checkSupported(p.expr)
        case .unary(let u):
            try checkSupported(u.expr)
        case .subquery:
            throw .notImplemented("subquery")
        case .aggregate(let a):
            guard AggregationTable.supported.contains(a.op) else {
                throw .notImplemented("aggregation \(goQuote(a.op.rawValue))")
            }
            try checkSupported(a.expr)
        case .call(let c):
            guard let function = RangeFunctions.table[c.function.name] else {
                throw .notImplemented("function \(goQuote(c.function.name))")
            }
            _ = function
            for arg in c.args {
                if case .matrixSelector = arg.unwrappingParens { continue }
                throw .notImplemented("function \(goQuote(c.function.name)) on \(arg.type.documentedName) argument")
            }
        case .binary(let b):
            if b.op.isSetOperator { throw .notImplemented("set operator \(goQuote(b.op.rawValue))") }
            if let m = b.matching, m.cardinality != .oneToOne {
                throw .notImplemented("group_left/group_right vector matching")
            }
            try checkSupported(b.lhs)
            try checkSupported(b.rhs)
        }
    }
}

extension Expr {
    /// The expression inside any number of parentheses.
    var unwrappingParens: Expr {
        if case .paren(let p) = self { return p.expr.unwrappingParens }
        return self
    }
}
