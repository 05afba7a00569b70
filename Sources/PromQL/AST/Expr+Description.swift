import PetrelCore

/// Prints canonical PromQL, in Prometheus' printer's format, such that parsing the text
/// gives back an equal tree.
extension Expr: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let n):
            return PromQLFormat.goDefault(n.value)
        case .string(let s):
            return goQuote(s.value)
        case .vectorSelector(let v):
            return v.description
        case .matrixSelector(let m):
            var plain = m.selector
            plain.offset = 0
            plain.at = nil
            return "\(plain)[\(PromDuration.format(m.range))]"
                + Expr.atSuffix(m.selector.at) + Expr.offsetSuffix(m.selector.offset)
        case .subquery(let s):
            let step = s.step == 0 ? "" : PromDuration.format(s.step)
            return "\(s.expr)[\(PromDuration.format(s.range)):\(step)]" + Expr.atSuffix(s.at) + Expr.offsetSuffix(s.offset)
        case .paren(let p):
            return "(\(p.expr))"
        case .unary(let u):
            return "\(u.op.rawValue)\(u.expr)"
        case .binary(let b):
            return "\(b.lhs) \(b.op.rawValue)\(b.returnBool ? " bool" : "")\(Expr.matchingText(b.matching)) \(b.rhs)"
        case .aggregate(let a):
            var out = a.op.rawValue
            if a.without {
                out += " without (\(a.grouping.joined(separator: ", "))) "
            } else if !a.grouping.isEmpty {
                out += " by (\(a.grouping.joined(separator: ", "))) "
            }
            out += "("
            if let param = a.param { out += "\(param), " }
            return out + "\(a.expr))"
        case .call(let c):
            return "\(c.function.name)(\(c.args.map(\.description).joined(separator: ", ")))"
        }
    }

    static func offsetSuffix(_ offset: Int64) -> String {
        if offset > 0 { return " offset \(PromDuration.format(offset))" }
        if offset < 0 { return " offset -\(PromDuration.format(-offset))" }
        return ""
    }

    static func atSuffix(_ at: AtModifier?) -> String {
        switch at {
        case nil: return ""
        case .start: return " @ start()"
        case .end: return " @ end()"
        case .timestamp(let ms):
            let sign = ms < 0 ? "-" : ""
            let magnitude = ms.magnitude
            let fraction = String(magnitude % 1000)
            return " @ \(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        }
    }

    /// ` on (a, b) group_left (c)`; `ignoring ()` is left out unless a group modifier needs it.
    static func matchingText(_ matching: VectorMatching?) -> String {
        guard let m = matching else { return "" }
        let grouped = m.cardinality == .manyToOne || m.cardinality == .oneToMany
        guard !m.matchingLabels.isEmpty || m.on || grouped else { return "" }
        var out = " \(m.on ? "on" : "ignoring") (\(m.matchingLabels.joined(separator: ", ")))"
        if grouped {
            out += " group_\(m.cardinality == .manyToOne ? "left" : "right") (\(m.include.joined(separator: ", ")))"
        }
        return out
    }
}

extension VectorSelector: CustomStringConvertible {
    /// `name{a="b",c=~"d"} @ 10.000 offset 5m`, the other matchers sorted as Prometheus does.
    public var description: String {
        var matcherTexts: [String] = []
        for m in matchers {
            if m.name == Labels.metricName && m.type == .equal && m.value == name { continue }
            matcherTexts.append("\(m.name)\(m.type.rawValue)\(goQuote(m.value))")
        }
        var out = name
        if !matcherTexts.isEmpty {
            out += "{\(matcherTexts.sorted().joined(separator: ","))}"
        }
        return out + Expr.atSuffix(at) + Expr.offsetSuffix(offset)
    }
}
