/// One lexical item of a PromQL query: the lexer's output and the parser's input.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case eof, error, identifier, metricIdentifier, number, duration, string
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case comma, assign, colon, at
        case eqlRegex, neqRegex
        case op(BinaryOperator)
        case aggregator(AggregationOperator)
        case bool, by, groupLeft, groupRight, ignoring, offset, on, without
        case start, end
    }

    var kind: Kind
    /// Byte offset of the first byte in the query.
    var start: Int
    /// The text as written; for `.error` the error message.
    var text: String

    var end: Int { kind == .error ? start : start + text.utf8.count }
    var range: PositionRange { PositionRange(start: start, end: end) }

    /// Keywords, matched case-insensitively as Prometheus does.
    static let keywords: [String: Kind] = {
        var table: [String: Kind] = [
            "and": .op(.and), "or": .op(.or), "unless": .op(.unless), "atan2": .op(.atan2),
            "offset": .offset, "by": .by, "without": .without, "on": .on, "ignoring": .ignoring,
            "group_left": .groupLeft, "group_right": .groupRight, "bool": .bool,
            "start": .start, "end": .end, "inf": .number, "nan": .number,
        ]
        for op in AggregationOperator.allCases { table[op.rawValue] = .aggregator(op) }
        return table
    }()

    private var isKeyword: Bool {
        switch kind {
        case .bool, .by, .groupLeft, .groupRight, .ignoring, .offset, .on, .without: return true
        default: return false
        }
    }

    private var isOperator: Bool {
        switch kind {
        case .op, .eqlRegex, .neqRegex, .at: return true
        default: return false
        }
    }

    /// How Prometheus names the token in "unexpected ..." messages: `<op:*>`, `<by>`,
    /// `<aggr:sum>`, `identifier "foo"`, `"("`, `end of input`.
    var description: String {
        switch kind {
        case .eof: return "end of input"
        case .error: return text
        case .identifier: return "identifier \(goQuote(text))"
        case .metricIdentifier: return "metric identifier \(goQuote(text))"
        case .number: return "number \(shortQuoted)"
        case .duration: return "duration \(shortQuoted)"
        case .string: return "string \(shortQuoted)"
        case .aggregator: return "<aggr:\(text)>"
        default:
            if isKeyword { return "<\(text)>" }
            if isOperator { return "<op:\(text)>" }
            return shortQuoted
        }
    }

    private var shortQuoted: String {
        text.utf8.count > 10 ? GoQuoting.quotePrefix(text, characters: 10) + "..." : goQuote(text)
    }
}
