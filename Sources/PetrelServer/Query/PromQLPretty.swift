import Foundation
import PromQL

/// The multi-line form of a query that Prometheus' `/api/v1/format_query` answers with
/// (its `Pretty` printer): an expression whose one-line form is longer than 100 bytes is
/// split at its operator, aggregation, call or parentheses, children indented two spaces
/// a level; shorter ones stay on one line. The one-line forms are PromQL's own printer's.
enum PromQLPretty {
    static let maxLineLength = 100

    static func format(_ expr: Expr) -> String { pretty(expr, level: 0) }

    static func pretty(_ expr: Expr, level: Int) -> String {
        let indent = String(repeating: "  ", count: level)
        let flat = expr.description
        let split = flat.utf8.count > maxLineLength
        switch expr {
        case .number, .string, .vectorSelector, .matrixSelector:
            return indent + flat
        case .subquery(let s):
            // Prometheus does not indent an unsplit subquery; a split one keeps its suffix on the last line.
            guard split else { return flat }
            return pretty(s.expr, level: level) + flat.dropFirst(s.expr.description.count)
        case .unary(let u):
            let child = pretty(u.expr, level: level).trimmingCharacters(in: .whitespacesAndNewlines)
            return indent + u.op.rawValue + child
        case .paren(let p):
            guard split else { return indent + flat }
            return indent + "(\n" + pretty(p.expr, level: level + 1) + "\n" + indent + ")"
        case .binary(let b):
            guard split else { return indent + flat }
            // The operator with its bool and matching modifiers, as the one-line form spells them.
            let op = flat.dropFirst(b.lhs.description.count + 1).dropLast(b.rhs.description.count + 1)
            return pretty(b.lhs, level: level + 1) + "\n" + indent + op + "\n" + pretty(b.rhs, level: level + 1)
        case .aggregate(let a):
            guard split else { return indent + flat }
            var out = indent + a.op.rawValue
            if a.without {
                out += " without (\(a.grouping.joined(separator: ", "))) "
            } else if !a.grouping.isEmpty {
                out += " by (\(a.grouping.joined(separator: ", "))) "
            }
            out += "(\n"
            if let param = a.param { out += pretty(param, level: level + 1) + ",\n" }
            return out + pretty(a.expr, level: level + 1) + "\n" + indent + ")"
        case .call(let c):
            guard split else { return indent + flat }
            let args = c.args.map { pretty($0, level: level + 1) }.joined(separator: ",\n")
            return indent + c.function.name + "(\n" + args + "\n" + indent + ")"
        }
    }
}
