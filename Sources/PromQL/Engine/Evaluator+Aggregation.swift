import PetrelCore

/// How each aggregation operator folds a group of samples into one value. Adding an
/// operator means adding a case here and to `supported`.
enum AggregationTable {
    static let supported: Set<AggregationOperator> = [.sum, .avg, .min, .max, .count, .group]

    /// The running state of one output group, as Prometheus keeps it.
    struct Group {
        var labels: Labels
        var value: Double
        var mean: Double
        var count: Int
    }

    static func start(_ op: AggregationOperator, labels: Labels, first: Double) -> Group {
        var group = Group(labels: labels, value: first, mean: first, count: 1)
        if op == .group { group.value = 1 }
        return group
    }

    static func add(_ op: AggregationOperator, _ v: Double, to group: inout Group) {
        switch op {
        case .sum:
            group.value += v
        case .avg:
            group.count += 1
            // Once the mean is infinite only an opposite infinity or NaN can change it;
            // Prometheus skips the update so Inf does not turn into NaN.
            if group.mean.isInfinite {
                if v.isInfinite && (group.mean > 0) == (v > 0) { return }
                if !v.isInfinite && !v.isNaN { return }
            }
            group.mean += v / Double(group.count) - group.mean / Double(group.count)
        case .max:
            if group.value < v || group.value.isNaN { group.value = v }
        case .min:
            if group.value > v || group.value.isNaN { group.value = v }
        case .count:
            group.count += 1
        case .group:
            break
        default:
            break
        }
    }

    static func finish(_ op: AggregationOperator, _ group: Group) -> Double {
        switch op {
        case .avg: return group.mean
        case .count: return Double(group.count)
        default: return group.value
        }
    }
}

extension Evaluator {
    /// `sum by (...)`, `avg without (...)`, ...: groups each step's vector by the grouping
    /// labels (the metric name is always dropped) and folds each group.
    mutating func evaluateAggregation(_ a: AggregateExpr) throws(PromQLError) -> [SeriesData] {
        guard AggregationTable.supported.contains(a.op) else {
            throw .notImplemented("aggregation \(goQuote(a.op.rawValue))")
        }
        let grouping = Set(a.grouping)
        let without = a.without
        return try rangeEval([a.expr]) { vectors, _ throws(PromQLError) in
            var order: [Labels] = []
            var groups: [Labels: AggregationTable.Group] = [:]
            for sample in vectors[0] {
                let key: Labels
                if without {
                    key = sample.labels.removing(grouping.union([Labels.metricName]))
                } else {
                    key = sample.labels.keeping(grouping)
                }
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = AggregationTable.start(a.op, labels: key, first: sample.value)
                } else {
                    AggregationTable.add(a.op, sample.value, to: &groups[key]!)
                }
            }
            return order.map { key in
                VectorSample(labels: key, timestamp: 0, value: AggregationTable.finish(a.op, groups[key]!))
            }
        }
    }
}
