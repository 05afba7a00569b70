/// Prometheus' `Prettify` (what `/api/v1/format_query` answers): the canonical text, but any
/// node whose text is longer than 100 bytes is split over lines, children indented by two
/// spaces per level.
extension Expr {
    public var prettified: String { pretty(level: 0) }

    private static let maxLineLength = 100

    private static func indent(_ level: Int) -> String { String(repeating: "  ", count: level) }

    private var needsSplit: Bool { description.utf8.count > Expr.maxLineLength }

    func pretty(level: Int) -> String {
        let pad = Expr.indent(level)
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector:
            return pad + description
        case .unary(let u):
            let child = u.expr.pretty(level: level).trimmingLeadingSpaces
            return pad + u.op.rawValue + child
        case .subquery(let s):
            guard needsSplit else { return description }
            let step = s.step == 0 ? "" : PromDuration.format(s.step)
            return s.expr.pretty(level: level) + "[\(PromDuration.format(s.range)):\(step)]"
                + Expr.atSuffix(s.at) + Expr.offsetSuffix(s.offset)
        case .paren(let p):
            guard needsSplit else { return pad + description }
            return "\(pad)(\n\(p.expr.pretty(level: level + 1))\n\(pad))"
        case .binary(let b):
            guard needsSplit else { return pad + description }
            return "\(b.lhs.pretty(level: level + 1))\n\(pad)\(b.op.rawValue)\(b.returnBool ? " bool" : "")"
                + "\(Expr.matchingText(b.matching))\n\(b.rhs.pretty(level: level + 1))"
        case .aggregate(let a):
            guard needsSplit else { return pad + description }
            var out = pad + a.op.rawValue
            if a.without {
                out += " without (\(a.grouping.joined(separator: ", "))) "
            } else if !a.grouping.isEmpty {
                out += " by (\(a.grouping.joined(separator: ", "))) "
            }
            out += "(\n"
            if let param = a.param { out += param.pretty(level: level + 1) + ",\n" }
            return out + a.expr.pretty(level: level + 1) + "\n\(pad))"
        case .call(let c):
            guard needsSplit else { return pad + description }
            let args = c.args.map { $0.pretty(level: level + 1) }.joined(separator: ",\n")
            return "\(pad)\(c.function.name)(\n\(args)\n\(pad))"
        }
    }
}

extension String {
    fileprivate var trimmingLeadingSpaces: String {
        String(drop { $0 == " " || $0 == "\n" || $0 == "\t" })
    }
}
