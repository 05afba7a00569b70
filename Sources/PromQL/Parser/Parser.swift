/// Parses PromQL text into an `Expr`, accepting exactly Prometheus 2.42's grammar and
/// reporting the first error with Prometheus' message and position.
public struct Parser {
    let input: [UInt8]
    private var tokens: [Token]
    private var index = 0
    /// Current nesting of expressions, to refuse trees too deep to walk recursively.
    private var depth = 0

    /// The deepest expression tree accepted. Prometheus has no such limit; it keeps the
    /// recursive checker, printer and evaluator well inside a thread's stack.
    static let maxDepth = 200

    /// Parses and type-checks `query`. Throws `PromQLError` with kind `.badData`.
    public static func parse(_ query: String) throws(PromQLError) -> Expr {
        var parser = Parser(query)
        let expr = try parser.parseQuery()
        try TypeChecker(input: parser.input).checked(expr)
        return expr.normalized()
    }

    init(_ query: String) {
        input = Array(query.utf8)
        tokens = Lexer.tokenize(input)
    }

    // MARK: - Token access

    /// The next token; a lexical error is reported as soon as the parser looks at it.
    mutating func peek() throws(PromQLError) -> Token {
        let token = tokens[index]
        if token.kind == .error {
            throw PromQLError.parse(token.text, at: PositionRange(start: token.start, end: input.count), in: input)
        }
        return token
    }

    /// The token after the next one, without reporting errors.
    func peekSecond() -> Token? {
        index + 1 < tokens.count ? tokens[index + 1] : nil
    }

    @discardableResult
    mutating func advance() throws(PromQLError) -> Token {
        let token = try peek()
        if token.kind != .eof { index += 1 }
        return token
    }

    /// End offset of the last consumed token.
    var lastEnd: Int { index > 0 ? tokens[index - 1].end : 0 }

    func error(_ message: String, at range: PositionRange) -> PromQLError {
        PromQLError.parse(message, at: range, in: input)
    }

    /// Prometheus' "unexpected <token> in <context>, expected <what>" for the next token.
    mutating func unexpected(_ context: String = "", expected: String = "") -> PromQLError {
        let token: Token
        do { token = try peek() } catch { return error }
        var message = "unexpected \(token.description)"
        if !context.isEmpty { message += " in \(context)" }
        if !expected.isEmpty { message += ", expected \(expected)" }
        return self.error(message, at: token.range)
    }

    /// Fails when the tree would get deeper than `maxDepth` with `extra` more levels.
    private mutating func checkDepth(_ extra: Int) throws(PromQLError) {
        if depth + extra > Parser.maxDepth {
            let token = try peek()
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", at: token.range)
        }
    }

    // MARK: - Expressions

    mutating func parseQuery() throws(PromQLError) -> Expr {
        if try peek().kind == .eof {
            throw error("no expression found in input", at: .zero)
        }
        let expr = try parseExpr(minPrecedence: 0)
        guard try peek().kind == .eof else { throw unexpected() }
        return expr
    }

    /// Binary operators by precedence climbing; `^` is right-associative.
    mutating func parseExpr(minPrecedence: Int) throws(PromQLError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        try checkDepth(0)
        var lhs = try parseUnary()
        var chain = 0
        while true {
            let token = try peek()
            guard case .op(let op) = token.kind, op.precedence >= minPrecedence else { return lhs }
            chain += 1
            try checkDepth(chain)
            try advance()
            var binary = BinaryExpr(op: op, lhs: lhs, rhs: lhs, operatorPosition: token.start)
            try parseBinaryModifiers(into: &binary)
            let nextMin = op.isRightAssociative ? op.precedence : op.precedence + 1
            binary.rhs = try parseExpr(minPrecedence: nextMin)
            lhs = .binary(binary)
        }
    }

    /// `bool`, `on(...)`/`ignoring(...)` and `group_left(...)`/`group_right(...)`.
    private mutating func parseBinaryModifiers(into binary: inout BinaryExpr) throws(PromQLError) {
        var matching = VectorMatching()
        if try peek().kind == .bool {
            try advance()
            binary.returnBool = true
        }
        let kind = try peek().kind
        if kind == .on || kind == .ignoring {
            try advance()
            matching.on = kind == .on
            matching.matchingLabels = try parseGroupingLabels()
            let group = try peek().kind
            if group == .groupLeft || group == .groupRight {
                try advance()
                matching.cardinality = group == .groupLeft ? .manyToOne : .oneToMany
                if try peek().kind == .leftParen {
                    matching.include = try parseGroupingLabels()
                }
            }
        }
        binary.matching = matching
    }

    /// Unary plus and minus bind like `*`: only `^` binds tighter.
    private mutating func parseUnary() throws(PromQLError) -> Expr {
        let token = try peek()
        guard case .op(let op) = token.kind, op == .add || op == .sub else {
            return try parsePostfix(parsePrimary())
        }
        try advance()
        let operand = try parseExpr(minPrecedence: BinaryOperator.pow.precedence)
        if case .number(var literal) = operand {
            if op == .sub { literal.value = -literal.value }
            literal.position.start = token.start
            return .number(literal)
        }
        return .unary(UnaryExpr(op: op == .sub ? .minus : .plus, expr: operand, startPosition: token.start))
    }

    private mutating func parsePrimary() throws(PromQLError) -> Expr {
        let token = try peek()
        switch token.kind {
        case .number:
            try advance()
            return .number(NumberLiteral(try parseNumber(token), position: token.range))
        case .string:
            try advance()
            return .string(StringLiteral(try unquote(token), position: token.range))
        case .leftParen:
            try advance()
            let inner = try parseExpr(minPrecedence: 0)
            guard try peek().kind == .rightParen else { throw unexpected() }
            let close = try advance()
            return .paren(ParenExpr(inner, position: PositionRange(start: token.start, end: close.end)))
        case .leftBrace:
            return .vectorSelector(try parseSelector(name: nil))
        case .identifier:
            if peekSecond()?.kind == .leftParen { return try parseCall() }
            return .vectorSelector(try parseSelector(name: try advance()))
        case .aggregator:
            if let next = peekSecond()?.kind, next == .leftParen || next == .by || next == .without {
                return try parseAggregation()
            }
            return .vectorSelector(try parseSelector(name: try advance()))
        case .metricIdentifier, .by, .without, .offset, .start, .end, .op(.and), .op(.or), .op(.unless):
            return .vectorSelector(try parseSelector(name: try advance()))
        default:
            throw unexpected()
        }
    }

    /// Range selectors, subqueries, `offset` and `@`, which bind tighter than any operator.
    private mutating func parsePostfix(_ base: Expr) throws(PromQLError) -> Expr {
        var expr = base
        var chain = 0
        while true {
            chain += 1
            try checkDepth(chain)
            switch try peek().kind {
            case .leftBracket: expr = try parseRangeOrSubquery(expr)
            case .offset: expr = try parseOffset(expr)
            case .at: expr = try parseAt(expr)
            default: return expr
            }
        }
    }

    private mutating func parseCall() throws(PromQLError) -> Expr {
        let name = try advance()
        let args = try parseCallBody()
        guard let function = FunctionSignature.named(name.text) else {
            throw error("unknown function with name \(goQuote(name.text))", at: name.range)
        }
        return .call(Call(function: function, args: args, position: PositionRange(start: name.start, end: lastEnd)))
    }

    /// `( )` or `( expr, expr, ... )`; a trailing comma is an error, as in Prometheus.
    private mutating func parseCallBody() throws(PromQLError) -> [Expr] {
        guard try peek().kind == .leftParen else { throw unexpected() }
        try advance()
        var args: [Expr] = []
        if try peek().kind == .rightParen {
            try advance()
            return args
        }
        while true {
            args.append(try parseExpr(minPrecedence: 0))
            let token = try peek()
            if token.kind == .rightParen {
                try advance()
                return args
            }
            guard token.kind == .comma else { throw unexpected() }
            try advance()
            if try peek().kind == .rightParen {
                throw error("trailing commas not allowed in function call args", at: token.range)
            }
        }
    }

    private mutating func parseAggregation() throws(PromQLError) -> Expr {
        let opToken = try advance()
        guard case .aggregator(let op) = opToken.kind else { throw unexpected() }
        var grouping: [String] = []
        var without = false
        var hasModifier = false
        let first = try peek().kind
        if first == .by || first == .without {
            try advance()
            without = first == .without
            grouping = try parseGroupingLabels()
            hasModifier = true
            guard try peek().kind == .leftParen else { throw unexpected("aggregation") }
        }
        let args = try parseCallBody()
        if !hasModifier {
            let next = try peek().kind
            if next == .by || next == .without {
                try advance()
                without = next == .without
                grouping = try parseGroupingLabels()
            }
        }
        let position = PositionRange(start: opToken.start, end: lastEnd)
        if args.isEmpty {
            throw error("no arguments for aggregate expression provided", at: position)
        }
        let wanted = op.hasParameter ? 2 : 1
        guard args.count == wanted else {
            throw error("wrong number of arguments for aggregate expression provided, expected \(wanted), got \(args.count)",
                        at: position)
        }
        return .aggregate(AggregateExpr(op: op, expr: args[wanted - 1], param: op.hasParameter ? args[0] : nil,
                                        grouping: grouping, without: without, position: position))
    }

    /// `(label, label, ...)` after by/without/on/ignoring/group_left/group_right. Keywords are
    /// fine as label names here.
    mutating func parseGroupingLabels() throws(PromQLError) -> [String] {
        guard try peek().kind == .leftParen else { throw unexpected("grouping opts", expected: "\"(\"") }
        try advance()
        var labels: [String] = []
        if try peek().kind == .rightParen {
            try advance()
            return labels
        }
        while true {
            let token = try peek()
            guard Parser.canBeLabel(token.kind), Parser.isLabelName(token.text) else {
                throw unexpected("grouping opts", expected: "label")
            }
            try advance()
            labels.append(token.text)
            let next = try peek().kind
            if next == .rightParen {
                try advance()
                return labels
            }
            guard next == .comma else { throw unexpected("grouping opts", expected: "\",\" or \")\"") }
            try advance()
            if try peek().kind == .rightParen {
                try advance()
                return labels
            }
        }
    }

    private static func canBeLabel(_ kind: Token.Kind) -> Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator, .bool, .by, .groupLeft, .groupRight, .ignoring,
             .offset, .on, .without, .start, .end, .op(.and), .op(.or), .op(.unless), .op(.atan2):
            return true
        default:
            return false
        }
    }

    static func isLabelName(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, Lexer.isAlpha(first) else { return false }
        return bytes.dropFirst().allSatisfy { Lexer.isAlphaNumeric($0) }
    }
}
