import PetrelCore

/// The samples of one series inside one range-selector window, with the window's bounds:
/// what a range-vector function sees at one evaluation step.
struct RangeWindow {
    var timestamps: [Int64]
    var values: [Double]
    /// Start and end of the window in ms (both inclusive in Prometheus 2.42).
    var rangeStart: Int64
    var rangeEnd: Int64
    /// The selector's range in ms.
    var range: Int64

    /// The range in seconds as Go's `time.Duration.Seconds()` computes it.
    var rangeSeconds: Double {
        Double(range / 1000) + Double((range % 1000) * 1_000_000) / 1e9
    }
}

/// Functions over a range vector (`rate(x[5m])`): each maps one window of one series to a
/// value, or nil for no output at that step. The next functions go into `table`.
enum RangeFunctions {
    typealias Function = @Sendable (RangeWindow) -> Double?

    static let table: [String: Function] = [
        "rate": { extrapolatedRate($0, isCounter: true, isRate: true) },
        "increase": { extrapolatedRate($0, isCounter: true, isRate: false) },
        "delta": { extrapolatedRate($0, isCounter: false, isRate: false) },
        "irate": { instantValue($0, isRate: true) },
        "idelta": { instantValue($0, isRate: false) },
        "count_over_time": { Double($0.values.count) },
        "sum_over_time": { $0.values.reduce(0, +) },
        "avg_over_time": { averageOverTime($0.values) },
        "min_over_time": { w in w.values.dropFirst().reduce(w.values[0]) { $1 < $0 || $0.isNaN ? $1 : $0 } },
        "max_over_time": { w in w.values.dropFirst().reduce(w.values[0]) { $1 > $0 || $0.isNaN ? $1 : $0 } },
        "last_over_time": { $0.values.last },
        "present_over_time": { _ in 1 },
        "stdvar_over_time": { varianceOverTime($0.values) },
        "stddev_over_time": { varianceOverTime($0.values).squareRoot() },
    ]

    /// 2.42's incremental mean, which stays finite where a plain sum would overflow,
    /// and keeps an infinite mean once one is reached.
    static func averageOverTime(_ values: [Double]) -> Double {
        var mean = 0.0, count = 0.0
        for v in values {
            count += 1
            if mean.isInfinite {
                if v.isInfinite && (mean > 0) == (v > 0) { continue }
                if !v.isInfinite && !v.isNaN { continue }
            }
            mean += v / count - mean / count
        }
        return mean
    }

    /// Population variance by Welford's method, as 2.42's `stdvar_over_time` computes it.
    static func varianceOverTime(_ values: [Double]) -> Double {
        var aux = 0.0, count = 0.0, mean = 0.0
        for v in values {
            count += 1
            let delta = v - mean
            mean += delta / count
            aux += delta * (v - mean)
        }
        return aux / count
    }

    /// Functions whose output keeps the metric name.
    static let keepsMetricName: Set<String> = ["last_over_time"]

    /// Prometheus' `extrapolatedRate`: the increase between the first and last sample
    /// (adding back counter resets), extrapolated towards the window's edges when the
    /// samples come close to them (within 1.1 average intervals), and for counters never
    /// extrapolated below zero.
    static func extrapolatedRate(_ w: RangeWindow, isCounter: Bool, isRate: Bool) -> Double? {
        let n = w.values.count
        guard n >= 2 else { return nil }
        var result = w.values[n - 1] - w.values[0]
        if isCounter {
            var previous = w.values[0]
            for v in w.values.dropFirst() {
                if v < previous { result += previous }
                previous = v
            }
        }
        var durationToStart = Double(w.timestamps[0] - w.rangeStart) / 1000
        let durationToEnd = Double(w.rangeEnd - w.timestamps[n - 1]) / 1000
        let sampledInterval = Double(w.timestamps[n - 1] - w.timestamps[0]) / 1000
        let averageInterval = sampledInterval / Double(n - 1)

        if isCounter && result > 0 && w.values[0] >= 0 {
            let durationToZero = sampledInterval * (w.values[0] / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        let threshold = averageInterval * 1.1
        var extrapolateTo = sampledInterval
        extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2

        var factor = extrapolateTo / sampledInterval
        if isRate { factor /= w.rangeSeconds }
        result *= factor
        return result
    }

    /// Prometheus' `instantValue`: the change between the last two samples (for `irate`
    /// per second, treating a decrease as a counter reset).
    static func instantValue(_ w: RangeWindow, isRate: Bool) -> Double? {
        let n = w.values.count
        guard n >= 2 else { return nil }
        let last = w.values[n - 1], previous = w.values[n - 2]
        var result = isRate && last < previous ? last : last - previous
        let interval = w.timestamps[n - 1] - w.timestamps[n - 2]
        if interval == 0 { return nil }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }
}

extension Evaluator {
    /// A call of a range-vector function: for each series and step, the function of the
    /// window [t - range, t] (after offset and `@`).
    mutating func evaluateRangeFunction(_ call: Call) throws(PromQLError) -> [SeriesData] {
        guard let function = RangeFunctions.table[call.function.name] else {
            throw .notImplemented("function \(goQuote(call.function.name))")
        }
        guard call.args.count == 1, case .matrixSelector(let m) = call.args[0].unwrappingParens else {
            throw .notImplemented("function \(goQuote(call.function.name)) with these arguments")
        }
        let first = referenceTime(m.selector, at: start), last = referenceTime(m.selector, at: end)
        let data = try select(m.selector, mint: min(first, last) - m.range, maxt: max(first, last))
        let keepName = RangeFunctions.keepsMetricName.contains(call.function.name)
        var result: [SeriesData] = []
        var windowSamples = 0
        for series in data {
            try checkDeadline()
            var out = SeriesData(labels: keepName ? series.labels : series.labels.withoutName)
            var ts = start
            while ts <= end {
                let rangeEnd = referenceTime(m.selector, at: ts)
                let rangeStart = rangeEnd - m.range
                let (timestamps, values) = Evaluator.window(of: series, from: rangeStart, through: rangeEnd)
                currentSamples -= windowSamples
                windowSamples = 0
                try take(timestamps.count)
                windowSamples = timestamps.count
                if !timestamps.isEmpty {
                    let window = RangeWindow(timestamps: timestamps, values: values, rangeStart: rangeStart,
                                             rangeEnd: rangeEnd, range: m.range)
                    if let value = function(window) {
                        out.timestamps.append(ts)
                        out.values.append(value)
                    }
                }
                ts += interval
            }
            if out.count > 0 {
                try take(out.count)
                result.append(out)
            }
        }
        currentSamples -= windowSamples
        try Evaluator.checkUniqueLabels(result)
        return result
    }
}
