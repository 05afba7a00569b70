import PetrelCore

/// The running state of one output group of an aggregation at one step, as Prometheus'
/// `groupedAggregation` keeps it.
struct AggregationGroup {
    var value: Double
    var mean: Double
    var count: Int
    /// The kept samples of `topk` / `bottomk` (a heap) and `quantile` (all of them).
    var samples: [VectorSample]

    init(_ op: AggregationOperator, first: VectorSample) {
        value = first.value
        mean = first.value
        count = 1
        samples = []
        switch op {
        case .stddev, .stdvar: value = 0
        case .group: value = 1
        case .topk, .bottomk, .quantile: samples = [first]
        default: break
        }
    }

    static func topkLess(_ a: VectorSample, _ b: VectorSample) -> Bool { a.value.isNaN || a.value < b.value }
    static func bottomkLess(_ a: VectorSample, _ b: VectorSample) -> Bool { a.value.isNaN || a.value > b.value }

    mutating func add(_ op: AggregationOperator, _ s: VectorSample, k: Int) {
        let v = s.value
        switch op {
        case .sum:
            value += v
        case .avg:
            count += 1
            // Once the mean is infinite only an opposite infinity or NaN can change it;
            // Prometheus skips the update so Inf does not turn into NaN.
            if mean.isInfinite {
                if v.isInfinite && (mean > 0) == (v > 0) { return }
                if !v.isInfinite && !v.isNaN { return }
            }
            mean += v / Double(count) - mean / Double(count)
        case .max:
            if value < v || value.isNaN { value = v }
        case .min:
            if value > v || value.isNaN { value = v }
        case .count, .countValues:
            count += 1
        case .group:
            break
        case .stddev, .stdvar:
            count += 1
            let delta = v - mean
            mean += delta / Double(count)
            value += delta * (v - mean)
        case .topk:
            keep(s, k: k, less: AggregationGroup.topkLess)
        case .bottomk:
            keep(s, k: k, less: AggregationGroup.bottomkLess)
        case .quantile:
            samples.append(s)
        }
    }

    /// Keeps the k "largest" samples under `less` in a Go-ordered heap.
    private mutating func keep(_ s: VectorSample, k: Int, less: (VectorSample, VectorSample) -> Bool) {
        guard samples.count < k || less(samples[0], s) || samples[0].value.isNaN else { return }
        if samples.count == k {
            if k == 1 {
                samples[0] = s
                return
            }
            GoSort.pop(&samples, less: less)
        }
        GoSort.push(&samples, s, less: less)
    }

    /// The group's output samples, labelled `labels` unless the operator keeps the inputs'.
    func finish(_ op: AggregationOperator, labels: Labels, q: Double, into out: inout [VectorSample]) {
        let result: Double
        switch op {
        case .avg: result = mean
        case .count, .countValues: result = Double(count)
        case .stdvar: result = value / Double(count)
        case .stddev: result = (value / Double(count)).squareRoot()
        case .quantile: result = Quantile.of(q, samples.map(\.value))
        case .topk, .bottomk:
            var sorted = samples
            let less = op == .topk ? AggregationGroup.topkLess : AggregationGroup.bottomkLess
            if sorted.count > 1 { GoSort.sort(&sorted) { less($1, $0) } }
            out.append(contentsOf: sorted)
            return
        default: result = value
        }
        out.append(VectorSample(labels: labels, timestamp: 0, value: result))
    }
}

extension Evaluator {
    /// `sum by (...)`, `topk without (...)`, ...: each input series' group is worked out
    /// once; each step folds the samples of each group (output in order of first appearance).
    mutating func evaluateAggregation(_ a: AggregateExpr) throws(PromQLError) -> [SeriesData] {
        let op = a.op
        var grouping = Set(a.grouping)
        let without = a.without
        var valueLabel = ""
        if op == .countValues, case .string(let s) = a.param?.unwrappingParens {
            valueLabel = s.value
            if !without { grouping.insert(valueLabel) }
        }
        func groupLabels(_ labels: Labels) -> Labels {
            without ? labels.removing(grouping.union([Labels.metricName])) : labels.keeping(grouping)
        }
        let inputs: [Expr?] = a.param == nil ? [a.expr] : [a.param, a.expr]
        let exprIndex = inputs.count - 1
        var groupOf: [Int] = []
        var labelsOf: [Labels] = []
        var idOf: [Labels: Int] = [:]
        func id(_ key: Labels) -> Int {
            if let id = idOf[key] { return id }
            idOf[key] = labelsOf.count
            labelsOf.append(key)
            return labelsOf.count - 1
        }
        var groups: [AggregationGroup?] = []
        var touched: [Int] = []
        return try rangeEval(inputs, prepare: { matrices throws(PromQLError) in
            guard op != .countValues else { return }
            groupOf = matrices[exprIndex].map { id(groupLabels($0.labels)) }
        }) { input, _ throws(PromQLError) in
            var k = 0, q = 0.0
            switch op {
            case .topk, .bottomk:
                let f = input[0][0].value
                guard f <= 9.223372036854775807e18, f >= -9.223372036854775808e18 else {
                    throw PromQLError(.execution, "Scalar value \(PromQLFormat.goDefault(f)) overflows int64")
                }
                // 2^63 passes Prometheus' check and converts to the minimum, so nothing is kept.
                k = f >= 9.223372036854775807e18 ? Int.min : Int(f)
                if k < 1 { return [] }
            case .quantile:
                q = input[0][0].value
            case .countValues:
                if !InstantFunctions.isValidLabelName(valueLabel) {
                    throw PromQLError(.execution, "invalid label name \(goQuote(valueLabel))")
                }
            default:
                break
            }
            touched.removeAll(keepingCapacity: true)
            for (n, var sample) in input[exprIndex].enumerated() {
                let g: Int
                if op == .countValues {
                    sample.labels = sample.labels.setting(valueLabel, to: PromQLFormat.fixed(sample.value))
                    g = id(groupLabels(sample.labels))
                } else {
                    g = groupOf[input.seriesIndex[exprIndex][n]]
                }
                if g >= groups.count { groups.append(contentsOf: repeatElement(nil, count: g - groups.count + 1)) }
                if groups[g] == nil {
                    groups[g] = AggregationGroup(op, first: sample)
                    touched.append(g)
                } else {
                    groups[g]!.add(op, sample, k: k)
                }
            }
            var out: [VectorSample] = []
            out.reserveCapacity(touched.count)
            for g in touched {
                groups[g]!.finish(op, labels: labelsOf[g], q: q, into: &out)
                groups[g] = nil
            }
            return out
        }
    }
}
