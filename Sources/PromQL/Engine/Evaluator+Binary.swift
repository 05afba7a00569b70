import PetrelCore

/// Binary operators: scalar-scalar, vector-scalar and vector-vector with one-to-one,
/// many-to-one / one-to-many (`group_left` / `group_right`) and set (`and`, `or`, `unless`)
/// matching, with the same value and label rules and errors as Prometheus.
extension Evaluator {
    mutating func evaluateBinary(_ b: BinaryExpr) throws(PromQLError) -> [SeriesData] {
        switch (b.lhs.type, b.rhs.type) {
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
            var matching = b.matching ?? VectorMatching()
            if b.op.isSetOperator { matching.cardinality = .manyToMany }
            var join = VectorJoin(op: b.op, matching: matching, returnBool: b.returnBool)
            return try rangeEval([b.lhs, b.rhs], prepare: { matrices throws(PromQLError) in
                join.prepare(matrices)
            }) { v, _ throws(PromQLError) in
                try join.step(v)
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
}

/// One vector-vector operation: each series' match signature is worked out once (as a
/// small integer), then every step pairs the two sides' samples like Prometheus'
/// `VectorBinop`, `VectorAnd`, `VectorOr` and `VectorUnless`.
struct VectorJoin {
    let op: BinaryOperator
    let matching: VectorMatching
    let returnBool: Bool
    /// Signature id of each series, per side.
    private var signatures: [[Int]] = [[], []]
    private var signatureLabels: [Labels] = []
    /// Result labels per (left series, right series) pair, computed on first use.
    private var resultLabels: [Int: Labels] = [:]
    private var seriesCounts = [0, 0]

    init(op: BinaryOperator, matching: VectorMatching, returnBool: Bool) {
        self.op = op
        self.matching = matching
        self.returnBool = returnBool
    }

    mutating func prepare(_ matrices: [[SeriesData]]) {
        var ids: [Labels: Int] = [:]
        for side in 0..<2 {
            signatures[side] = matrices[side].map { series in
                let sig = Evaluator.signature(series.labels, matching)
                if let id = ids[sig] { return id }
                ids[sig] = signatureLabels.count
                signatureLabels.append(sig)
                return signatureLabels.count - 1
            }
        }
        seriesCounts = [matrices[0].count, matrices[1].count]
    }

    mutating func step(_ input: Evaluator.StepInput) throws(PromQLError) -> [VectorSample] {
        let lhs = input[0], rhs = input[1]
        let lsig = input.seriesIndex[0].map { signatures[0][$0] }
        let rsig = input.seriesIndex[1].map { signatures[1][$0] }
        switch op {
        case .and:
            if lhs.isEmpty || rhs.isEmpty { return [] }
            let right = Set(rsig)
            return lhs.indices.filter { right.contains(lsig[$0]) }.map { lhs[$0] }
        case .unless:
            if lhs.isEmpty || rhs.isEmpty { return lhs }
            let right = Set(rsig)
            return lhs.indices.filter { !right.contains(lsig[$0]) }.map { lhs[$0] }
        case .or:
            if lhs.isEmpty { return rhs }
            if rhs.isEmpty { return lhs }
            let left = Set(lsig)
            return lhs + rhs.indices.filter { !left.contains(rsig[$0]) }.map { rhs[$0] }
        default:
            return try arithmetic(input, lsig: lsig, rsig: rsig)
        }
    }

    private mutating func arithmetic(_ input: Evaluator.StepInput, lsig: [Int], rsig: [Int]) throws(PromQLError) -> [VectorSample] {
        var (lhs, rhs) = (input[0], input[1])
        if lhs.isEmpty || rhs.isEmpty { return [] }
        var (lsig, rsig) = (lsig, rsig)
        var (lseries, rseries) = (input.seriesIndex[0], input.seriesIndex[1])
        let oneToMany = matching.cardinality == .oneToMany
        if oneToMany {
            swap(&lhs, &rhs)
            swap(&lsig, &rsig)
            swap(&lseries, &rseries)
        }
        var right: [Int: Int] = [:]
        right.reserveCapacity(rhs.count)
        for (i, sig) in rsig.enumerated() {
            if let duplicate = right[sig] {
                throw PromQLError(.execution,
                                  "found duplicate series for the match group \(Evaluator.promString(signatureLabels[sig])) "
                                      + "on the \(oneToMany ? "left" : "right") hand-side of the operation: "
                                      + "[\(Evaluator.promString(rhs[i].labels)), \(Evaluator.promString(rhs[duplicate].labels))]"
                                      + ";many-to-many matching not allowed: matching labels must be unique on one side")
            }
            right[sig] = i
        }
        var matchedOnce = Set<Int>()
        var matchedLabels: [Int: Set<Labels>] = [:]
        var out: [VectorSample] = []
        out.reserveCapacity(lhs.count)
        for (i, ls) in lhs.enumerated() {
            let sig = lsig[i]
            guard let ri = right[sig] else { continue }
            let rs = rhs[ri]
            let (vl, vr) = oneToMany ? (rs.value, ls.value) : (ls.value, rs.value)
            var (value, keep) = Evaluator.elementOperation(op, vl, vr)
            if returnBool {
                value = keep ? 1 : 0
            } else if !keep {
                continue
            }
            let pair = lseries[i] * (oneToMany ? seriesCounts[0] : seriesCounts[1]) + rseries[ri]
            var metric: Labels
            if let cached = resultLabels[pair] {
                metric = cached
            } else {
                metric = resultMetric(ls.labels, rs.labels)
                resultLabels[pair] = metric
            }
            if returnBool { metric = metric.withoutName }
            if matching.cardinality == .oneToOne {
                if !matchedOnce.insert(sig).inserted {
                    throw PromQLError(.execution,
                                      "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
            } else if !matchedLabels[sig, default: []].insert(metric).inserted {
                throw PromQLError(.execution, "multiple matches for labels: grouping labels must ensure unique matches")
            }
            out.append(VectorSample(labels: metric, timestamp: ls.timestamp, value: value))
        }
        return out
    }

    /// Prometheus' `resultMetric`: the "many" side's labels, without the name for
    /// arithmetic, reduced to the matching labels for one-to-one, plus the `group_x` labels
    /// copied from the "one" side (removed where that side lacks them).
    private func resultMetric(_ lhs: Labels, _ rhs: Labels) -> Labels {
        var labels = lhs
        if op.dropsMetricName { labels = labels.withoutName }
        if matching.cardinality == .oneToOne {
            labels = matching.on ? labels.keeping(Set(matching.matchingLabels)) : labels.removing(Set(matching.matchingLabels))
        }
        for name in matching.include {
            labels = labels.setting(name, to: rhs[name] ?? "")
        }
        return labels
    }
}
