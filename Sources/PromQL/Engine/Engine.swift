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
        var stats = QueryStats()
        return try instantQuery(query, at: time, storage: storage, stats: &stats)
    }

    /// `instantQuery`, also reporting how many samples the query touched.
    public func instantQuery(_ query: String, at time: Int64, storage: some PromQLStorage,
                             stats: inout QueryStats) throws(PromQLError) -> QueryResult {
        let expr = try Parser.parse(query)
        var evaluator = Evaluator(storage: storage, options: options, start: time, end: time, interval: 1)
        defer { stats = evaluator.stats }
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
        var stats = QueryStats()
        return try rangeQuery(query, start: start, end: end, step: step, storage: storage, stats: &stats)
    }

    /// `rangeQuery`, also reporting how many samples the query touched.
    public func rangeQuery(_ query: String, start: Int64, end: Int64, step: Int64,
                           storage: some PromQLStorage, stats: inout QueryStats) throws(PromQLError) -> QueryResult {
        let expr = try Parser.parse(query)
        guard expr.type == .vector || expr.type == .scalar else {
            throw PromQLError(.badData,
                              "invalid expression type \(goQuote(expr.type.documentedName)) for range query, must be Scalar or instant Vector")
        }
        guard step > 0 else {
            throw PromQLError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard end >= start else { throw PromQLError(.badData, "end timestamp must not be before start time") }
        var evaluator = Evaluator(storage: storage, options: options, start: start, end: end, interval: step)
        defer { stats = evaluator.stats }
        guard case .matrix(var series) = try evaluator.evaluate(expr) else {
            throw PromQLError(.execution, "unexpected string result for range query")
        }
        series.sort { $0.labels < $1.labels }
        return .matrix(series)
    }
}

extension Expr {
    /// The expression inside any number of parentheses.
    var unwrappingParens: Expr {
        if case .paren(let p) = self { return p.expr.unwrappingParens }
        return self
    }
}
