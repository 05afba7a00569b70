import PetrelCore

/// What evaluating an expression over all steps yields: series with one point per step at
/// which they have a value (instant vectors and scalars), series with raw samples (range
/// vectors), or a string.
enum EvalValue {
    case matrix([SeriesData])
    case string(String)
}

/// One query's evaluation state: the step grid, the sample budget and the deadline. It
/// follows Prometheus' evaluator: every node is evaluated for all steps at once.
struct Evaluator {
    let storage: any PromQLStorage
    let options: EngineOptions
    /// First and last evaluation timestamp and the step between them, in ms.
    let start: Int64
    let end: Int64
    let interval: Int64
    /// The outermost query's start and end: what `@ start()` and `@ end()` mean, also
    /// inside subqueries.
    let queryStart: Int64
    let queryEnd: Int64
    let deadline: UInt64
    /// Samples currently held, as Prometheus counts them for `maxSamples`.
    var currentSamples = 0
    /// Samples read and the most held at once, for `stats=all`.
    var stats = QueryStats()

    init(storage: any PromQLStorage, options: EngineOptions, start: Int64, end: Int64, interval: Int64) {
        let (seconds, attoseconds) = options.timeout.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let budget = nanos.overflow || seconds < 0 ? UInt64.max / 2 : UInt64(nanos.partialValue) + UInt64(max(0, attoseconds / 1_000_000_000))
        self.init(storage: storage, options: options, start: start, end: end, interval: interval,
                  queryStart: start, queryEnd: end, deadline: monotonicNanos() &+ budget)
    }

    init(storage: any PromQLStorage, options: EngineOptions, start: Int64, end: Int64, interval: Int64,
         queryStart: Int64, queryEnd: Int64, deadline: UInt64) {
        self.storage = storage
        self.options = options
        self.start = start
        self.end = end
        self.interval = interval
        self.queryStart = queryStart
        self.queryEnd = queryEnd
        self.deadline = deadline
    }

    var stepCount: Int { Int((end - start) / interval) + 1 }

    /// Fails when the query ran out of time or its task was cancelled.
    func checkDeadline() throws(PromQLError) {
        if Task.isCancelled { throw PromQLError(.canceled, "query was canceled in expression evaluation") }
        if monotonicNanos() > deadline { throw PromQLError(.timeout, "query timed out in expression evaluation") }
    }

    /// Counts `n` more samples in memory; fails past the budget.
    mutating func take(_ n: Int) throws(PromQLError) {
        if currentSamples + n > options.maxSamples { throw .tooManySamples }
        currentSamples += n
        if currentSamples > stats.peakSamples { stats.peakSamples = currentSamples }
    }

    mutating func evaluate(_ expr: Expr) throws(PromQLError) -> EvalValue {
        try checkDeadline()
        switch expr {
        case .number(let n):
            return .matrix(try rangeEval([]) { _, _ in [VectorSample(labels: Labels(), timestamp: 0, value: n.value)] })
        case .string(let s):
            return .string(s.value)
        case .paren(let p):
            return try evaluate(p.expr)
        case .vectorSelector(let v):
            return .matrix(try evaluateVectorSelector(v))
        case .matrixSelector(let m):
            return .matrix(try evaluateMatrixSelector(m))
        case .unary(let u):
            guard case .matrix(var series) = try evaluate(u.expr) else { return .matrix([]) }
            if u.op == .minus {
                for i in series.indices {
                    series[i].labels = series[i].labels.withoutName
                    series[i].values = series[i].values.map { -$0 }
                }
                try Evaluator.checkUniqueLabels(series)
            }
            return .matrix(series)
        case .binary(let b):
            return .matrix(try evaluateBinary(b))
        case .aggregate(let a):
            return .matrix(try evaluateAggregation(a))
        case .call(let c):
            return .matrix(try evaluateCall(c))
        case .subquery(let s):
            return .matrix(try evaluateSubquery(s))
        }
    }

    // MARK: - Selectors

    /// The evaluation time a selector reads at for step time `ts`: `@` pins it, then the
    /// offset shifts it back.
    func referenceTime(at modifier: AtModifier?, offset: Int64, step ts: Int64) -> Int64 {
        let base: Int64
        switch modifier {
        case nil: base = ts
        case .timestamp(let t): base = t
        case .start: base = queryStart
        case .end: base = queryEnd
        }
        return base - offset
    }

    func referenceTime(_ selector: VectorSelector, at ts: Int64) -> Int64 {
        referenceTime(at: selector.at, offset: selector.offset, step: ts)
    }

    /// The series of `selector` with samples in [mint, maxt], refusing a selection that
    /// alone would exceed the sample budget before it is all in memory.
    mutating func select(_ selector: VectorSelector, mint: Int64, maxt: Int64) throws(PromQLError) -> [SeriesData] {
        let data: [SeriesData]
        do {
            data = try storage.select(selector.matchers, mint: mint, maxt: maxt, sampleLimit: options.maxSamples)
        } catch let error as PromQLSampleLimitExceeded {
            _ = error
            throw .tooManySamples
        } catch {
            throw PromQLError(.execution, "expanding series: \(error)", cause: error)
        }
        return data
    }

    /// For each step, the latest sample at or before the reference time and no older than
    /// the lookback delta; a stale marker there means the series has no value. With
    /// `sampleTimes`, the value is the sample's own timestamp in seconds (`timestamp()`).
    mutating func evaluateVectorSelector(_ v: VectorSelector, sampleTimes: Bool = false) throws(PromQLError) -> [SeriesData] {
        let first = referenceTime(v, at: start), last = referenceTime(v, at: end)
        let data = try select(v, mint: min(first, last) - options.lookbackDelta, maxt: max(first, last))
        var result: [SeriesData] = []
        result.reserveCapacity(data.count)
        let steps = stepCount
        for series in data {
            try checkDeadline()
            var out = SeriesData(labels: series.labels)
            out.timestamps.reserveCapacity(steps)
            out.values.reserveCapacity(steps)
            var cursor = 0
            var ts = start
            let timestamps = series.timestamps, values = series.values
            while ts <= end {
                let ref = referenceTime(v, at: ts)
                // Reference times only move forward with ts, so the cursor never goes back.
                while cursor < timestamps.count && timestamps[cursor] <= ref { cursor += 1 }
                if cursor > 0 {
                    let t = timestamps[cursor - 1], value = values[cursor - 1]
                    if t >= ref - options.lookbackDelta && !StaleMarker.isStale(value) {
                        out.timestamps.append(ts)
                        out.values.append(sampleTimes ? Double(t) / 1000 : value)
                    }
                }
                ts += interval
            }
            // Counted per series, so an oversized selection stops after one series' worth.
            try take(out.count)
            stats.totalSamples += out.count
            if out.count > 0 { result.append(out) }
        }
        return result
    }

    /// A range selector evaluated once (an instant query of `x[5m]`): the raw samples in
    /// [t - range, t] without stale markers, each with its own timestamp.
    mutating func evaluateMatrixSelector(_ m: MatrixSelector) throws(PromQLError) -> [SeriesData] {
        let maxt = referenceTime(m.selector, at: start)
        let mint = maxt - m.range
        var result: [SeriesData] = []
        for series in try select(m.selector, mint: mint, maxt: maxt) {
            try checkDeadline()
            let window = Evaluator.window(of: series, from: mint, through: maxt)
            try take(window.timestamps.count)
            stats.totalSamples += window.timestamps.count
            if !window.timestamps.isEmpty {
                result.append(SeriesData(labels: series.labels, timestamps: window.timestamps, values: window.values))
            }
        }
        return result
    }

    /// The non-stale samples of `series` with mint <= t <= maxt (Prometheus 2.42 includes
    /// both ends).
    static func window(of series: SeriesData, from mint: Int64, through maxt: Int64) -> (timestamps: [Int64], values: [Double]) {
        var low = 0, high = series.count
        while low < high {
            let mid = (low + high) / 2
            if series.timestamps[mid] < mint { low = mid + 1 } else { high = mid }
        }
        var timestamps: [Int64] = [], values: [Double] = []
        var i = low
        while i < series.count && series.timestamps[i] <= maxt {
            if !StaleMarker.isStale(series.values[i]) {
                timestamps.append(series.timestamps[i])
                values.append(series.values[i])
            }
            i += 1
        }
        return (timestamps, values)
    }

    // MARK: - Step-wise evaluation

    /// The input vectors of one step, and for each sample the index of its series in the
    /// input's matrix (so per-series work such as grouping can be done once up front).
    struct StepInput {
        var vectors: [[VectorSample]]
        var seriesIndex: [[Int]]

        subscript(i: Int) -> [VectorSample] { vectors[i] }
    }

    /// Evaluates `inputs` over all steps, then calls `step` with the input vectors of each
    /// step timestamp and collects its output vectors into series (Prometheus' `rangeEval`).
    /// A nil input stands for an argument that is not evaluated per step (a string).
    /// `prepare` sees the evaluated input matrices once, before the first step.
    mutating func rangeEval(_ inputs: [Expr?],
                            prepare: (_ matrices: [[SeriesData]]) throws(PromQLError) -> Void = { _ in },
                            step: (_ input: StepInput, _ ts: Int64) throws(PromQLError) -> [VectorSample])
        throws(PromQLError) -> [SeriesData]
    {
        let originalSamples = currentSamples
        var matrices: [[SeriesData]] = []
        for input in inputs {
            if let input, input.type != .string, case .matrix(let m) = try evaluate(input) {
                matrices.append(m)
            } else {
                matrices.append([])
            }
        }
        try prepare(matrices)
        var cursors = matrices.map { [Int](repeating: 0, count: $0.count) }
        var tempSamples = currentSamples
        var collected: [Labels: Int] = [:]
        var result: [SeriesData] = []
        var input = StepInput(vectors: matrices.map { _ in [] }, seriesIndex: matrices.map { _ in [] })
        var ts = start
        while ts <= end {
            try checkDeadline()
            currentSamples = tempSamples
            for (i, matrix) in matrices.enumerated() {
                input.vectors[i].removeAll(keepingCapacity: true)
                input.seriesIndex[i].removeAll(keepingCapacity: true)
                for si in matrix.indices {
                    let c = cursors[i][si]
                    if c < matrix[si].count && matrix[si].timestamps[c] == ts {
                        input.vectors[i].append(VectorSample(labels: matrix[si].labels, timestamp: ts, value: matrix[si].values[c]))
                        input.seriesIndex[i].append(si)
                        cursors[i][si] = c + 1
                    }
                }
                try take(input.vectors[i].count)
            }
            let output = try step(input, ts)
            try Evaluator.checkUniqueLabels(output.map(\.labels))
            try take(output.count)
            tempSamples += output.count
            if start == end {
                currentSamples = originalSamples + output.count
                return output.map { SeriesData(labels: $0.labels, timestamps: [ts], values: [$0.value]) }
            }
            for sample in output {
                if let index = collected[sample.labels] {
                    result[index].timestamps.append(ts)
                    result[index].values.append(sample.value)
                } else {
                    collected[sample.labels] = result.count
                    result.append(SeriesData(labels: sample.labels, timestamps: [ts], values: [sample.value]))
                }
            }
            ts += interval
        }
        currentSamples = originalSamples + result.reduce(0) { $0 + $1.count }
        return result
    }

    static func checkUniqueLabels(_ labels: [Labels]) throws(PromQLError) {
        guard labels.count > 1 else { return }
        var seen = Set<Labels>()
        seen.reserveCapacity(labels.count)
        for l in labels where !seen.insert(l).inserted {
            throw PromQLError(.execution, "vector cannot contain metrics with the same labelset")
        }
    }

    static func checkUniqueLabels(_ series: [SeriesData]) throws(PromQLError) {
        try checkUniqueLabels(series.map(\.labels))
    }

    /// A label set in Prometheus' notation, `{__name__="up", job="x"}`, for messages.
    static func promString(_ labels: Labels) -> String {
        "{" + labels.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }
}
