import PetrelCore

/// Selectors, their modifiers and the literals inside them.
extension Parser {
    /// `name`, `name{...}` or `{...}`; with a name, `__name__="name"` is appended to the
    /// matchers as Prometheus does.
    mutating func parseSelector(name: Token?) throws(PromQLError) -> VectorSelector {
        var matchers: [LabelMatcher] = []
        var start = name?.start
        var end = name?.end ?? 0
        if try peek().kind == .leftBrace {
            let brace = try advance()
            start = start ?? brace.start
            matchers = try parseMatchers()
            end = lastEnd
        }
        if let name {
            do {
                matchers.append(try LabelMatcher(.equal, Labels.metricName, name.text))
            } catch {
                throw self.error("\(error)", at: name.range)
            }
        }
        return VectorSelector(name: name?.text ?? "", matchers: matchers,
                              position: PositionRange(start: start ?? 0, end: end))
    }

    /// The matchers after `{`, up to and including `}`; a trailing comma is allowed.
    private mutating func parseMatchers() throws(PromQLError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        if try peek().kind == .rightBrace {
            try advance()
            return matchers
        }
        while true {
            let label = try peek()
            guard label.kind == .identifier else {
                throw unexpected("label matching", expected: "identifier or \"}\"")
            }
            try advance()
            let type: LabelMatcher.MatchType
            switch try peek().kind {
            case .assign: type = .equal
            case .op(.neq): type = .notEqual
            case .eqlRegex: type = .regexMatch
            case .neqRegex: type = .regexNoMatch
            default: throw unexpected("label matching", expected: "label matching operator")
            }
            try advance()
            let value = try peek()
            guard value.kind == .string else { throw unexpected("label matching", expected: "string") }
            try advance()
            let text = try unquote(value)
            do {
                matchers.append(try LabelMatcher(type, label.text, text))
            } catch {
                throw self.error("\(error)", at: PositionRange(start: label.start, end: value.end))
            }
            let next = try peek().kind
            if next == .rightBrace {
                try advance()
                return matchers
            }
            guard next == .comma else { throw unexpected("label matching", expected: "\",\" or \"}\"") }
            try advance()
            if try peek().kind == .rightBrace {
                try advance()
                return matchers
            }
        }
    }

    /// `[range]` on a selector, or `[range:step]` / `[range:]` on any expression.
    mutating func parseRangeOrSubquery(_ expr: Expr) throws(PromQLError) -> Expr {
        let open = try advance()
        let rangeToken = try peek()
        guard rangeToken.kind == .duration else { throw unexpected("subquery selector", expected: "duration") }
        try advance()
        let range = try parseDuration(rangeToken)
        let next = try peek()
        switch next.kind {
        case .rightBracket:
            try advance()
            let errorRange = PositionRange(start: open.start, end: next.end)
            guard case .vectorSelector(let selector) = expr else {
                throw error("ranges only allowed for vector selectors", at: errorRange)
            }
            if selector.offset != 0 { throw error("no offset modifiers allowed before range", at: errorRange) }
            if selector.at != nil { throw error("no @ modifiers allowed before range", at: errorRange) }
            return .matrixSelector(MatrixSelector(selector: selector, range: range, endPosition: next.end))
        case .colon:
            try advance()
            var step: Int64 = 0
            if try peek().kind == .duration {
                step = try parseDuration(try advance())
                guard try peek().kind == .rightBracket else {
                    throw unexpected("subquery selector", expected: "\"]\"")
                }
            }
            guard try peek().kind == .rightBracket else {
                throw unexpected("subquery selector", expected: "duration or \"]\"")
            }
            let close = try advance()
            return .subquery(SubqueryExpr(expr: expr, range: range, step: step, endPosition: close.end))
        default:
            throw unexpected("subquery or range", expected: "\":\" or \"]\"")
        }
    }

    /// `offset 5m` or `offset -5m` after a selector or subquery.
    mutating func parseOffset(_ expr: Expr) throws(PromQLError) -> Expr {
        try advance()
        var sign: Int64 = 1
        if try peek().kind == .op(.sub) {
            try advance()
            sign = -1
        }
        let token = try peek()
        guard token.kind == .duration else { throw unexpected("offset", expected: "duration") }
        try advance()
        let offset = sign * (try parseDuration(token))
        let end = lastEnd
        func alreadySet() -> PromQLError { error("offset may not be set multiple times", at: expr.position) }
        switch expr {
        case .vectorSelector(var s):
            if s.offset != 0 { throw alreadySet() }
            s.offset = offset
            s.position.end = end
            return .vectorSelector(s)
        case .matrixSelector(var m):
            if m.selector.offset != 0 { throw alreadySet() }
            m.selector.offset = offset
            m.endPosition = end
            return .matrixSelector(m)
        case .subquery(var s):
            if s.offset != 0 { throw alreadySet() }
            s.offset = offset
            s.endPosition = end
            return .subquery(s)
        default:
            throw error("offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                        at: expr.position)
        }
    }

    /// `@ <timestamp>`, `@ start()` or `@ end()` after a selector or subquery.
    mutating func parseAt(_ expr: Expr) throws(PromQLError) -> Expr {
        try advance()
        let token = try peek()
        let at: AtModifier
        switch token.kind {
        case .number, .op(.add), .op(.sub):
            var sign = 1.0
            if token.kind != .number {
                try advance()
                sign = token.kind == .op(.sub) ? -1 : 1
                guard try peek().kind == .number else { throw unexpected("@", expected: "timestamp") }
            }
            let seconds = sign * (try parseNumber(try advance()))
            if !seconds.isFinite || seconds >= Double(Int64.max) || seconds <= Double(Int64.min) {
                throw error("timestamp out of bounds for @ modifier: \(Parser.goFixed6(seconds))", at: expr.position)
            }
            let milliseconds = (seconds * 1000).rounded()
            at = .timestamp(milliseconds >= 9.2e18 ? .max : (milliseconds <= -9.2e18 ? .min : Int64(milliseconds)))
        case .start, .end:
            try advance()
            guard try peek().kind == .leftParen else { throw unexpected("@", expected: "timestamp") }
            try advance()
            guard try peek().kind == .rightParen else { throw unexpected("@", expected: "timestamp") }
            try advance()
            at = token.kind == .start ? .start : .end
        default:
            throw unexpected("@", expected: "timestamp")
        }
        let end = lastEnd
        func alreadySet() -> PromQLError { error("@ <timestamp> may not be set multiple times", at: expr.position) }
        switch expr {
        case .vectorSelector(var s):
            if s.at != nil { throw alreadySet() }
            s.at = at
            s.position.end = end
            return .vectorSelector(s)
        case .matrixSelector(var m):
            if m.selector.at != nil { throw alreadySet() }
            m.selector.at = at
            m.endPosition = end
            return .matrixSelector(m)
        case .subquery(var s):
            if s.at != nil { throw alreadySet() }
            s.at = at
            s.endPosition = end
            return .subquery(s)
        default:
            throw error("@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                        at: expr.position)
        }
    }

    func parseDuration(_ token: Token) throws(PromQLError) -> Int64 {
        let value: Int64
        do {
            value = try PromDuration.parse(token.text)
        } catch {
            throw self.error(error.message, at: token.range)
        }
        if value == 0 { throw error("duration must be greater than 0", at: token.range) }
        return value
    }

    func unquote(_ token: Token) throws(PromQLError) -> String {
        guard let value = GoQuoting.unquote(Array(token.text.utf8)) else {
            throw error("error unquoting string \(goQuote(token.text)): invalid syntax", at: token.range)
        }
        return value
    }

    /// A number literal as Prometheus reads it: Go's `ParseInt(s, 0, 64)` first (so `0x1f`
    /// is hex and `010` is octal), then `ParseFloat`.
    func parseNumber(_ token: Token) throws(PromQLError) -> Double {
        let text = token.text
        if let integer = Parser.goParseInt(text) { return Double(integer) }
        let failure = { (reason: String) in
            self.error("error parsing number: strconv.ParseFloat: parsing \(goQuote(text)): \(reason)", at: token.range)
        }
        let lower = text.lowercased()
        if lower == "inf" || lower == "+inf" || lower == "infinity" { return .infinity }
        if lower == "nan" { return .nan }
        let bytes = Array(text.utf8)
        // Only decimal floats reach here from the lexer's number shapes; hex needs a 'p' exponent in Go.
        guard !lower.hasPrefix("0x"), bytes.allSatisfy({ Lexer.isDigit($0) || $0 == UInt8(ascii: ".")
            || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }),
            let value = Double(text)
        else { throw failure("invalid syntax") }
        if value.isInfinite { throw failure("value out of range") }
        return value
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` for the shapes the lexer produces; nil when Go fails.
    static func goParseInt(_ text: String) -> Int64? {
        var digits = Substring(text)
        var radix = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count > 1 && digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        guard !digits.isEmpty else { return nil }
        return Int64(digits, radix: radix)
    }

    /// Go's `%f`: six decimals, `+Inf`, `-Inf`, `NaN`.
    static func goFixed6(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        let sign = v < 0 ? "-" : ""
        let magnitude = v.magnitude
        guard magnitude < 1.8e19 else { return sign + PromQLFormat.fixed(magnitude) + ".000000" }
        let integer = magnitude.rounded(.towardZero)
        var whole = UInt64(integer)
        var fraction = ((magnitude - integer) * 1_000_000).rounded()
        if fraction >= 1_000_000 {
            fraction -= 1_000_000
            whole += 1
        }
        let decimals = String(UInt64(fraction))
        return sign + "\(whole)." + String(repeating: "0", count: 6 - decimals.count) + decimals
    }
}
