import PetrelCore

/// Binary operators: scalar-scalar, vector-scalar and one-to-one vector matching, with the
/// same value and label rules as Prometheus.
extension Evaluator {
    mutating func evaluateBinary(_ b: BinaryExpr) throws(PromQLError) -> [SeriesData] {
        let lt = b.lhs.type, rt = b.rhs.type
        switch (lt, rt) {
        case (.scalar, .scalar):
            return try rangeEval([b.lhs, b.rhs]) { v, _ throws(PromQLError) in
                let value = Evaluator.scalarOperation(b.op, v[0][0].value, v[1][0].value)
                return [VectorSample(labels: Labels(), timestamp: 0, value: value)]
            }
        case (.vector, .scalar):
            return try rangeEval([b.lhs, b.rhs]) { v, _ throws(PromQLError) in
                Evaluator.vectorScalar(b.op, v[0], scalar: v[1][0].value, swap: false, returnBool: b.returnBool)
            }
        case (.scalar, .vector):
            return try rangeEval([b.lhs, b.rhs]) { v, _ throws(PromQLError) in
                Evaluator.vectorScalar(b.op, v[1], scalar: v[0][0].value, swap: true, returnBool: b.returnBool)
            }
        default:
            let matching = b.matching ?? VectorMatching()
            guard matching.cardinality == .oneToOne, !b.op.isSetOperator else {
                throw .notImplemented("\(b.op.rawValue) with \(matching.cardinality.rawValue) vector matching")
            }
            return try rangeEval([b.lhs, b.rhs]) { v, _ throws(PromQLError) in
                try Evaluator.vectorOneToOne(b.op, v[0], v[1], matching: matching, returnBool: b.returnBool)
            }
        }
    }

    /// The value of `lhs op rhs`; comparisons give 1 or 0 (between scalars they need `bool`).
    static func scalarOperation(_ op: BinaryOperator, _ lhs: Double, _ rhs: Double) -> Double {
        let (value, keep) = elementOperation(op, lhs, rhs)
        return op.isComparison ? (keep ? 1 : 0) : value
    }

    /// The result of `lhs op rhs` for one pair of vector elements and whether a filtering
    /// comparison keeps it (the value of a comparison is the left side).
    static func elementOperation(_ op: BinaryOperator, _ lhs: Double, _ rhs: Double) -> (Double, Bool) {
        switch op {
        case .add: return (lhs + rhs, true)
        case .sub: return (lhs - rhs, true)
        case .mul: return (lhs * rhs, true)
        case .div: return (lhs / rhs, true)
        case .pow: return (goPow(lhs, rhs), true)
        case .mod: return (goMod(lhs, rhs), true)
        case .atan2: return (goAtan2(lhs, rhs), true)
        case .eql: return (lhs, lhs == rhs)
        case .neq: return (lhs, lhs != rhs)
        case .gtr: return (lhs, lhs > rhs)
        case .lss: return (lhs, lhs < rhs)
        case .gte: return (lhs, lhs >= rhs)
        case .lte: return (lhs, lhs <= rhs)
        case .and, .or, .unless: return (lhs, true)
        }
    }

    static func vectorScalar(_ op: BinaryOperator, _ vector: [VectorSample], scalar: Double, swap: Bool,
                             returnBool: Bool) -> [VectorSample] {
        var out: [VectorSample] = []
        out.reserveCapacity(vector.count)
        for var sample in vector {
            let (lv, rv) = swap ? (scalar, sample.value) : (sample.value, scalar)
            var (value, keep) = elementOperation(op, lv, rv)
            if op.isComparison && swap { value = rv }
            if returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            sample.value = value
            if op.dropsMetricName || returnBool { sample.labels = sample.labels.withoutName }
            out.append(sample)
        }
        return out
    }

    /// The labels that pair series across the two sides: the `on` labels, or all but the
    /// `ignoring` labels and the metric name.
    static func signature(_ labels: Labels, _ matching: VectorMatching) -> Labels {
        if matching.on { return labels.keeping(Set(matching.matchingLabels)) }
        return labels.removing(Set(matching.matchingLabels).union([Labels.metricName]))
    }

    static func vectorOneToOne(_ op: BinaryOperator, _ lhs: [VectorSample], _ rhs: [VectorSample],
                               matching: VectorMatching, returnBool: Bool) throws(PromQLError) -> [VectorSample] {
        if lhs.isEmpty || rhs.isEmpty { return [] }
        var right: [Labels: VectorSample] = [:]
        for sample in rhs {
            let sig = signature(sample.labels, matching)
            if let duplicate = right[sig] {
                throw PromQLError(.execution,
                                  "found duplicate series for the match group \(promString(sig)) on the right hand-side of the operation: "
                                      + "[\(promString(sample.labels)), \(promString(duplicate.labels))]"
                                      + ";many-to-many matching not allowed: matching labels must be unique on one side")
            }
            right[sig] = sample
        }
        var matched = Set<Labels>()
        var out: [VectorSample] = []
        for sample in lhs {
            let sig = signature(sample.labels, matching)
            guard let other = right[sig] else { continue }
            var (value, keep) = elementOperation(op, sample.value, other.value)
            if returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }
            var labels = sample.labels
            if op.dropsMetricName { labels = labels.withoutName }
            labels = matching.on ? labels.keeping(Set(matching.matchingLabels)) : labels.removing(Set(matching.matchingLabels))
            if returnBool { labels = labels.withoutName }
            if !matched.insert(sig).inserted {
                throw PromQLError(.execution,
                                  "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
            }
            out.append(VectorSample(labels: labels, timestamp: sample.timestamp, value: value))
        }
        return out
    }
}
