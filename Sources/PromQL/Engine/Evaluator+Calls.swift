import PetrelCore

/// Function calls: range-vector functions window their matrix argument per series and
/// step; every other function works on each step's input vectors.
extension Evaluator {
    mutating func evaluateCall(_ call: Call) throws(PromQLError) -> [SeriesData] {
        let name = call.function.name
        // timestamp() of a plain selector reports each sample's own time, not the step's.
        if name == "timestamp", case .vectorSelector(let v) = call.args[0].unwrappingParens {
            var series = try evaluateVectorSelector(v, sampleTimes: true)
            for i in series.indices { series[i].labels = series[i].labels.withoutName }
            try Evaluator.checkUniqueLabels(series)
            return series
        }
        if let index = call.args.firstIndex(where: { $0.type == .matrix }) {
            return try evaluateRangeCall(call, matrixIndex: index)
        }
        guard let function = InstantFunctions.table[name] else {
            throw PromQLError(.execution, "unknown function \(goQuote(name))")
        }
        var prepared = try InstantFunctions.prepare(call)
        return try rangeEval(call.args) { input, ts throws(PromQLError) in
            try function(input, ts, &prepared)
        }
    }

    /// A call with a range-vector argument (a range selector or a subquery): for each series
    /// and step, the function of the window [t - range, t] after offset and `@`, with the
    /// values of the scalar arguments at that step.
    mutating func evaluateRangeCall(_ call: Call, matrixIndex: Int) throws(PromQLError) -> [SeriesData] {
        let name = call.function.name
        guard let function = RangeFunctions.table[name] else {
            throw PromQLError(.execution, "unknown function \(goQuote(name))")
        }
        var scalarArgs: [[Double]] = []
        for (i, arg) in call.args.enumerated() where i != matrixIndex {
            guard case .matrix(let m) = try evaluate(arg) else { continue }
            scalarArgs.append(m.first?.values ?? [])
        }
        let source: [SeriesData], range: Int64, at: AtModifier?, offset: Int64
        var absentLabels = Labels()
        var subquerySamples = 0
        switch call.args[matrixIndex].unwrappingParens {
        case .matrixSelector(let m):
            (range, at, offset) = (m.range, m.selector.at, m.selector.offset)
            let first = referenceTime(m.selector, at: start), last = referenceTime(m.selector, at: end)
            source = try select(m.selector, mint: min(first, last) - range, maxt: max(first, last))
            absentLabels = Evaluator.absentLabels(m.selector.matchers)
        case .subquery(let s):
            (range, at, offset) = (s.range, s.at, s.offset)
            let before = currentSamples
            source = try evaluateSubquery(s)
            subquerySamples = currentSamples - before
        default:
            throw PromQLError(.execution, "unexpected argument of type range vector in call to \(goQuote(name))")
        }
        let keepName = RangeFunctions.keepsMetricName.contains(name)
        var result: [SeriesData] = []
        let baseline = currentSamples
        var scalars = [Double](repeating: 0, count: scalarArgs.count)
        for series in source {
            try checkDeadline()
            let (timestamps, values) = Evaluator.withoutStaleMarkers(series)
            var out = SeriesData(labels: keepName ? series.labels : series.labels.withoutName)
            var low = 0, high = 0
            var ts = start, step = 0
            while ts <= end {
                let rangeEnd = referenceTime(at: at, offset: offset, step: ts)
                let rangeStart = rangeEnd - range
                while low < timestamps.count && timestamps[low] < rangeStart { low += 1 }
                if high < low { high = low }
                while high < timestamps.count && timestamps[high] <= rangeEnd { high += 1 }
                if high > low {
                    currentSamples = baseline
                    try take(high - low)
                    stats.totalSamples += high - low
                    for j in scalarArgs.indices { scalars[j] = step < scalarArgs[j].count ? scalarArgs[j][step] : .nan }
                    let window = RangeWindow(timestamps: timestamps[low..<high], values: values[low..<high],
                                             rangeStart: rangeStart, rangeEnd: rangeEnd, range: range, evalTime: ts)
                    if let value = try function(window, scalars) {
                        out.timestamps.append(ts)
                        out.values.append(value)
                    }
                }
                ts += interval
                step += 1
            }
            currentSamples = baseline
            if out.count > 0 {
                try take(out.count)
                result.append(out)
            }
        }
        currentSamples = baseline - subquerySamples + result.reduce(0) { $0 + $1.count }
        if name == "absent_over_time" { return absentOverTime(result, labels: absentLabels) }
        try Evaluator.checkUniqueLabels(result)
        return result
    }

    /// The series' samples without stale markers (copied only when it has some).
    static func withoutStaleMarkers(_ series: SeriesData) -> (timestamps: [Int64], values: [Double]) {
        guard series.values.contains(where: StaleMarker.isStale) else { return (series.timestamps, series.values) }
        var timestamps: [Int64] = [], values: [Double] = []
        for (t, v) in zip(series.timestamps, series.values) where !StaleMarker.isStale(v) {
            timestamps.append(t)
            values.append(v)
        }
        return (timestamps, values)
    }

    /// `absent_over_time`: 1 at each step where no series had a sample in its window.
    func absentOverTime(_ present: [SeriesData], labels: Labels) -> [SeriesData] {
        var found = Set<Int64>()
        for series in present {
            if series.count == stepCount { return [] }
            found.formUnion(series.timestamps)
        }
        var out = SeriesData(labels: labels)
        var ts = start
        while ts <= end {
            if !found.contains(ts) {
                out.timestamps.append(ts)
                out.values.append(1)
            }
            ts += interval
        }
        return out.count > 0 ? [out] : []
    }

    /// The labels `absent()` gives its result: every label the selector pins with a single
    /// `=` matcher (not the metric name); a label matched twice or otherwise is left out.
    static func absentLabels(_ matchers: [LabelMatcher]) -> Labels {
        var labels: [String: String] = [:]
        var pinned = Set<String>()
        for m in matchers where m.name != Labels.metricName {
            if m.type == .equal && !pinned.contains(m.name) {
                labels[m.name] = m.value
                pinned.insert(m.name)
            } else {
                labels[m.name] = nil
            }
        }
        return Labels(labels.filter { !$0.value.isEmpty })
    }
}
