import PetrelCore

/// Checks a parsed tree the way Prometheus' `checkAST` does: argument and operand types,
/// modifier rules and selector rules, reporting the first problem in Prometheus' words.
/// It also normalises vector matching (set operators become many-to-many, matching is
/// dropped when a side is a scalar), so callers must use the checked tree.
struct TypeChecker {
    let input: [UInt8]

    private func fail(_ message: String, at range: PositionRange) -> PromQLError {
        PromQLError.parse(message, at: range, in: input)
    }

    /// Checks `expr` and its children and returns its type.
    @discardableResult
    func checked(_ expr: Expr) throws(PromQLError) -> ValueType {
        switch expr {
        case .number, .string:
            break
        case .paren(let p):
            try checked(p.expr)
        case .unary(let u):
            let type = try checked(u.expr)
            if type != .scalar && type != .vector {
                throw fail("unary expression only allowed on expressions of type scalar or instant vector, got \(goQuote(type.documentedName))",
                           at: expr.position)
            }
        case .aggregate(let a):
            try expect(a.expr, .vector, context: "aggregation expression")
            if let param = a.param {
                switch a.op {
                case .topk, .bottomk, .quantile: try expect(param, .scalar, context: "aggregation parameter")
                case .countValues: try expect(param, .string, context: "aggregation parameter")
                default: break
                }
            }
        case .binary(let b):
            try checkBinary(b)
        case .call(let c):
            try checkCall(c)
        case .subquery(let s):
            let type = try checked(s.expr)
            if type != .vector {
                throw fail("subquery is only allowed on instant vector, got \(type.rawValue) instead", at: expr.position)
            }
        case .matrixSelector(let m):
            try checkSelector(m.selector)
        case .vectorSelector(let v):
            try checkSelector(v)
        }
        return expr.type
    }

    private func expect(_ expr: Expr, _ wanted: ValueType, context: String) throws(PromQLError) {
        let type = try checked(expr)
        if type != wanted {
            throw fail("expected type \(wanted.documentedName) in \(context), got \(type.documentedName)", at: expr.position)
        }
    }

    private func checkBinary(_ b: BinaryExpr) throws(PromQLError) {
        let lt = try checked(b.lhs)
        let rt = try checked(b.rhs)
        let opRange = operatorRange(b)
        if b.returnBool && !b.op.isComparison {
            throw fail("bool modifier can only be used on comparison operators", at: opRange)
        }
        if b.op.isComparison && !b.returnBool && lt == .scalar && rt == .scalar {
            throw fail("comparisons between scalars must use BOOL modifier", at: opRange)
        }
        var matching = b.matching ?? VectorMatching()
        if b.op.isSetOperator && matching.cardinality == .oneToOne { matching.cardinality = .manyToMany }
        if matching.on {
            for label in matching.matchingLabels where matching.include.contains(label) {
                throw fail("label \(goQuote(label)) must not occur in ON and GROUP clause at once", at: opRange)
            }
        }
        let position = PositionRange(start: b.lhs.position.start, end: b.rhs.position.end)
        if lt != .scalar && lt != .vector {
            throw fail("binary expression must contain only scalar and instant vector types", at: b.lhs.position)
        }
        if rt != .scalar && rt != .vector {
            throw fail("binary expression must contain only scalar and instant vector types", at: b.rhs.position)
        }
        if lt != .vector || rt != .vector {
            if !matching.matchingLabels.isEmpty {
                throw fail("vector matching only allowed between instant vectors", at: position)
            }
        } else if b.op.isSetOperator {
            if matching.cardinality == .oneToMany || matching.cardinality == .manyToOne {
                throw fail("no grouping allowed for \(goQuote(b.op.rawValue)) operation", at: position)
            }
        }
        if (lt == .scalar || rt == .scalar) && b.op.isSetOperator {
            throw fail("set operator \(goQuote(b.op.rawValue)) not allowed in binary scalar expression", at: position)
        }
    }

    /// From the first non-space byte after the left operand to the last one before the right.
    private func operatorRange(_ b: BinaryExpr) -> PositionRange {
        var start = b.lhs.position.end
        while start < input.count, input[start] == 0x20 || input[start] == 0x09 || input[start] == 0x0A || input[start] == 0x0D {
            start += 1
        }
        return PositionRange(start: start, end: b.rhs.position.start)
    }

    private func checkCall(_ c: Call) throws(PromQLError) {
        let f = c.function
        let declared = f.argTypes.count
        if f.variadic == 0 {
            if declared != c.args.count {
                throw fail("expected \(declared) argument(s) in call to \(goQuote(f.name)), got \(c.args.count)", at: c.position)
            }
        } else {
            let required = declared - 1
            if required > c.args.count {
                throw fail("expected at least \(required) argument(s) in call to \(goQuote(f.name)), got \(c.args.count)",
                           at: c.position)
            } else if f.variadic > 0, required + f.variadic < c.args.count {
                throw fail("expected at most \(required + f.variadic) argument(s) in call to \(goQuote(f.name)), got \(c.args.count)",
                           at: c.position)
            }
        }
        for (i, arg) in c.args.enumerated() {
            var index = i
            if index >= declared {
                if f.variadic == 0 { break }
                index = declared - 1
            }
            try expect(arg, f.argTypes[index], context: "call to function \(goQuote(f.name))")
        }
    }

    private func checkSelector(_ v: VectorSelector) throws(PromQLError) {
        if !v.name.isEmpty {
            for m in v.matchers.dropLast() where m.name == Labels.metricName {
                throw fail("metric name must not be set twice: \(goQuote(v.name)) or \(goQuote(m.value))", at: v.position)
            }
            return
        }
        if !v.matchers.contains(where: { !$0.matches("") }) {
            throw fail("vector selector must contain at least one non-empty matcher", at: v.position)
        }
    }
}

extension Expr {
    /// The tree with Prometheus' post-parse normalisation of vector matching applied:
    /// set operators match many-to-many, and matching is dropped unless both sides are
    /// instant vectors.
    func normalized() -> Expr {
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector:
            return self
        case .subquery(var s):
            s.expr = s.expr.normalized()
            return .subquery(s)
        case .paren(var p):
            p.expr = p.expr.normalized()
            return .paren(p)
        case .unary(var u):
            u.expr = u.expr.normalized()
            return .unary(u)
        case .aggregate(var a):
            a.expr = a.expr.normalized()
            a.param = a.param?.normalized()
            return .aggregate(a)
        case .call(var c):
            c.args = c.args.map { $0.normalized() }
            return .call(c)
        case .binary(var b):
            b.lhs = b.lhs.normalized()
            b.rhs = b.rhs.normalized()
            if b.lhs.type == .vector && b.rhs.type == .vector {
                var matching = b.matching ?? VectorMatching()
                if b.op.isSetOperator && matching.cardinality == .oneToOne { matching.cardinality = .manyToMany }
                b.matching = matching
            } else {
                b.matching = nil
            }
            return .binary(b)
        }
    }
}
