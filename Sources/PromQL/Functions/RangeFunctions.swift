import PetrelCore

/// The samples of one series inside one range-vector window, with the window's bounds:
/// what a range-vector function sees at one evaluation step.
struct RangeWindow {
    var timestamps: ArraySlice<Int64>
    var values: ArraySlice<Double>
    /// Start and end of the window in ms (both inclusive in Prometheus 2.42).
    var rangeStart: Int64
    var rangeEnd: Int64
    /// The selector's range in ms.
    var range: Int64
    /// The step being evaluated (before offset and `@`), in ms: `predict_linear` predicts from it.
    var evalTime: Int64

    /// The range in seconds as Go's `time.Duration.Seconds()` computes it.
    var rangeSeconds: Double {
        Double(range / 1000) + Double((range % 1000) * 1_000_000) / 1e9
    }

    var first: Double { values[values.startIndex] }
    var last: Double { values[values.endIndex - 1] }
}

/// Functions over a range vector (`rate(x[5m])`): each maps one non-empty window of one
/// series, and the values of the call's scalar arguments at that step, to a value, or nil
/// for no output at that step.
enum RangeFunctions {
    typealias Function = @Sendable (_ window: RangeWindow, _ scalars: [Double]) throws(PromQLError) -> Double?

    static let table: [String: Function] = [
        "rate": { w, _ in extrapolatedRate(w, isCounter: true, isRate: true) },
        "increase": { w, _ in extrapolatedRate(w, isCounter: true, isRate: false) },
        "delta": { w, _ in extrapolatedRate(w, isCounter: false, isRate: false) },
        "irate": { w, _ in instantValue(w, isRate: true) },
        "idelta": { w, _ in instantValue(w, isRate: false) },
        "count_over_time": { w, _ in Double(w.values.count) },
        "sum_over_time": { w, _ in KahanSum.total(w.values) },
        "avg_over_time": { w, _ in averageOverTime(w.values) },
        "min_over_time": { w, _ in w.values.reduce(w.first) { $1 < $0 || $0.isNaN ? $1 : $0 } },
        "max_over_time": { w, _ in w.values.reduce(w.first) { $1 > $0 || $0.isNaN ? $1 : $0 } },
        "last_over_time": { w, _ in w.last },
        "present_over_time": { _, _ in 1 },
        "absent_over_time": { _, _ in 1 },
        "stdvar_over_time": { w, _ in varianceOverTime(w.values) },
        "stddev_over_time": { w, _ in varianceOverTime(w.values).squareRoot() },
        "quantile_over_time": { w, s in Quantile.of(s[0], Array(w.values)) },
        "changes": { w, _ in changes(w.values) },
        "resets": { w, _ in resets(w.values) },
        "deriv": { w, _ in
            w.values.count < 2 ? nil : linearRegression(w, interceptTime: w.timestamps[w.timestamps.startIndex]).slope
        },
        "predict_linear": { w, s in
            guard w.values.count >= 2 else { return nil }
            let (slope, intercept) = linearRegression(w, interceptTime: w.evalTime)
            return slope * s[0] + intercept
        },
        "holt_winters": { w, s throws(PromQLError) in try holtWinters(w.values, smoothing: s[0], trend: s[1]) },
    ]

    /// Functions whose output keeps the metric name.
    static let keepsMetricName: Set<String> = ["last_over_time"]

    /// 2.42's incremental mean with compensated summation, which stays finite where a plain
    /// sum would overflow, and keeps an infinite mean once one is reached.
    static func averageOverTime(_ values: ArraySlice<Double>) -> Double {
        var mean = KahanSum(), count = 0.0
        for v in values {
            count += 1
            if mean.sum.isInfinite {
                if v.isInfinite && (mean.sum > 0) == (v > 0) { continue }
                if !v.isInfinite && !v.isNaN { continue }
            }
            mean.add(v / count - mean.sum / count)
        }
        return mean.sum.isInfinite ? mean.sum : mean.value
    }

    /// Population variance by Welford's method with compensated sums, as 2.42 computes it.
    static func varianceOverTime(_ values: ArraySlice<Double>) -> Double {
        var count = 0.0
        var mean = KahanSum(), aux = KahanSum()
        for v in values {
            count += 1
            let delta = v - mean.value
            mean.add(delta / count)
            aux.add(delta * (v - mean.value))
        }
        return aux.value / count
    }

    static func changes(_ values: ArraySlice<Double>) -> Double {
        var changes = 0.0
        var previous = values[values.startIndex]
        for current in values.dropFirst() {
            if current != previous && !(current.isNaN && previous.isNaN) { changes += 1 }
            previous = current
        }
        return changes
    }

    static func resets(_ values: ArraySlice<Double>) -> Double {
        var resets = 0.0
        var previous = values[values.startIndex]
        for current in values.dropFirst() {
            if current < previous { resets += 1 }
            previous = current
        }
        return resets
    }

    /// Least-squares fit of the window with x in seconds relative to `interceptTime`:
    /// the slope per second and the value at `interceptTime`.
    static func linearRegression(_ w: RangeWindow, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = KahanSum(), sumY = KahanSum(), sumXY = KahanSum(), sumX2 = KahanSum()
        let initY = w.first
        var constY = true
        for (t, v) in zip(w.timestamps, w.values) {
            if constY && n > 0 && v != initY { constY = false }
            n += 1
            let x = Double(t - interceptTime) / 1e3
            sumX.add(x)
            sumY.add(v)
            sumXY.add(x * v)
            sumX2.add(x * x)
        }
        if constY {
            if initY.isInfinite { return (.nan, .nan) }
            return (0, initY)
        }
        let sx = sumX.value, sy = sumY.value, sxy = sumXY.value, sx2 = sumX2.value
        let covXY = sxy - sx * sy / n
        let varX = sx2 - sx * sx / n
        let slope = covXY / varX
        return (slope, sy / n - slope * sx / n)
    }

    /// Double exponential smoothing; the factors are checked whenever a window is evaluated,
    /// so, as in Prometheus, bad factors only fail a query that has data.
    static func holtWinters(_ values: ArraySlice<Double>, smoothing sf: Double, trend tf: Double) throws(PromQLError) -> Double? {
        if sf <= 0 || sf >= 1 {
            throw PromQLError(.execution, "invalid smoothing factor. Expected: 0 < sf < 1, got: \(goFixed6(sf))")
        }
        if tf <= 0 || tf >= 1 {
            throw PromQLError(.execution, "invalid trend factor. Expected: 0 < tf < 1, got: \(goFixed6(tf))")
        }
        let v = Array(values)
        guard v.count >= 2 else { return nil }
        var s0 = 0.0, s1 = v[0], b = v[1] - v[0]
        for i in 1..<v.count {
            let x = sf * v[i]
            if i > 1 { b = tf * (s1 - s0) + (1 - tf) * b }
            let y = (1 - sf) * (s1 + b)
            (s0, s1) = (s1, x + y)
        }
        return s1
    }

    /// Prometheus' `extrapolatedRate`: the increase between the first and last sample
    /// (adding back counter resets), extrapolated towards the window's edges when the
    /// samples come close to them (within 1.1 average intervals), and for counters never
    /// extrapolated below zero.
    static func extrapolatedRate(_ w: RangeWindow, isCounter: Bool, isRate: Bool) -> Double? {
        let n = w.values.count
        guard n >= 2 else { return nil }
        let firstT = w.timestamps[w.timestamps.startIndex], lastT = w.timestamps[w.timestamps.endIndex - 1]
        var result = w.last - w.first
        if isCounter {
            var previous = w.first
            for v in w.values.dropFirst() {
                if v < previous { result += previous }
                previous = v
            }
        }
        var durationToStart = Double(firstT - w.rangeStart) / 1000
        let durationToEnd = Double(w.rangeEnd - lastT) / 1000
        let sampledInterval = Double(lastT - firstT) / 1000
        let averageInterval = sampledInterval / Double(n - 1)

        if isCounter && result > 0 && w.first >= 0 {
            let durationToZero = sampledInterval * (w.first / result)
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
        let e = w.values.endIndex, te = w.timestamps.endIndex
        let last = w.values[e - 1], previous = w.values[e - 2]
        var result = isRate && last < previous ? last : last - previous
        let interval = w.timestamps[te - 1] - w.timestamps[te - 2]
        if interval == 0 { return nil }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    /// Go's `%f`: six decimals, as in Prometheus' holt_winters messages.
    static func goFixed6(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        return String(format6: v)
    }
}

/// Neumaier-compensated summation, as Prometheus' `kahanSumInc`.
struct KahanSum {
    var sum = 0.0
    var c = 0.0

    mutating func add(_ inc: Double) {
        let t = sum + inc
        if sum.magnitude >= inc.magnitude {
            c += (sum - t) + inc
        } else {
            c += (inc - t) + sum
        }
        sum = t
    }

    var value: Double { sum + c }

    /// The compensated sum, or the plain sum once it is infinite (where `c` would be NaN).
    static func total(_ values: ArraySlice<Double>) -> Double {
        var k = KahanSum()
        for v in values { k.add(v) }
        return k.sum.isInfinite ? k.sum : k.value
    }
}

extension String {
    /// `v` with exactly six decimals, rounded half to even on the exact binary value like Go.
    init(format6 v: Double) {
        // Scale in exact decimal via the shortest digits is not enough for ties; Double
        // printing with "%.6f" from the C library rounds the exact binary value as Go does.
        self = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            _ = snprintf6(buffer.baseAddress!, 400, v)
            return String(cString: buffer.baseAddress!)
        }
    }
}
