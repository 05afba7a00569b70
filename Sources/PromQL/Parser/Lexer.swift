/// Splits a query into tokens with the same rules and error messages as Prometheus'
/// lexer. The token list ends with `.eof` or, at the first lexical error, with `.error`;
/// comments are dropped.
struct Lexer {
    private let input: [UInt8]
    private var pos = 0
    private var start = 0
    private var tokens: [Token] = []

    private var parenDepth = 0
    private var braceOpen = false
    private var bracketOpen = false
    private var gotColon = false

    init(_ input: [UInt8]) {
        self.input = input
    }

    static func tokenize(_ input: [UInt8]) -> [Token] {
        var lexer = Lexer(input)
        lexer.run()
        return lexer.tokens
    }

    // MARK: - Reading

    private var current: UInt8? { pos < input.count ? input[pos] : nil }

    private func byte(at offset: Int) -> UInt8? { offset < input.count ? input[offset] : nil }

    /// The Unicode scalar starting at `offset` and its length, for messages.
    private func scalar(at offset: Int) -> (Unicode.Scalar?, Int) {
        guard offset < input.count else { return (nil, 0) }
        var iterator = input[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let s) = decoder.decode(&iterator) {
            return (s, Array(String(Character(s)).utf8).count)
        }
        return ("\u{FFFD}", 1)
    }

    private mutating func emit(_ kind: Token.Kind) {
        tokens.append(Token(kind: kind, start: start, text: String(decoding: input[start..<pos], as: UTF8.self)))
        start = pos
    }

    /// Records a lexical error at the start of the current item and stops.
    private mutating func fail(_ message: String) -> Bool {
        tokens.append(Token(kind: .error, start: start, text: message))
        return false
    }

    private mutating func accept(_ valid: String) -> Bool {
        if let c = current, valid.utf8.contains(c) {
            pos += 1
            return true
        }
        return false
    }

    private mutating func acceptRun(_ valid: String) {
        while accept(valid) {}
    }

    private static func isSpace(_ c: UInt8?) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
    }

    static func isAlpha(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return c == UInt8(ascii: "_") || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
            || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    static func isDigit(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    static func isAlphaNumeric(_ c: UInt8?) -> Bool { isAlpha(c) || isDigit(c) }

    // MARK: - States

    private mutating func run() {
        while true {
            let more = braceOpen ? lexInsideBraces() : lexStatement()
            if !more { return }
        }
    }

    private mutating func skipComment() {
        while let c = current, c != UInt8(ascii: "\n"), c != UInt8(ascii: "\r") { pos += 1 }
        start = pos
    }

    /// Lexes one item outside braces; false when the input is finished or broken.
    private mutating func lexStatement() -> Bool {
        guard let c = current else {
            if parenDepth != 0 { return fail("unclosed left parenthesis") }
            if bracketOpen { return fail("unclosed left bracket") }
            emit(.eof)
            return false
        }
        if c == UInt8(ascii: "#") {
            skipComment()
            return true
        }
        pos += 1
        switch c {
        case UInt8(ascii: ","): emit(.comma)
        case _ where Lexer.isSpace(c):
            while Lexer.isSpace(current) { pos += 1 }
            start = pos
        case UInt8(ascii: "*"): emit(.op(.mul))
        case UInt8(ascii: "/"): emit(.op(.div))
        case UInt8(ascii: "%"): emit(.op(.mod))
        case UInt8(ascii: "+"): emit(.op(.add))
        case UInt8(ascii: "-"): emit(.op(.sub))
        case UInt8(ascii: "^"): emit(.op(.pow))
        case UInt8(ascii: "="):
            if current == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.eql))
            } else if current == UInt8(ascii: "~") {
                return fail("unexpected character after '=': '~'")
            } else {
                emit(.assign)
            }
        case UInt8(ascii: "!"):
            if current == UInt8(ascii: "=") {
                pos += 1
                emit(.op(.neq))
            } else {
                let (s, _) = scalar(at: pos)
                return fail("unexpected character after '!': \(GoQuoting.quoteRune(s))")
            }
        case UInt8(ascii: "<"):
            if accept("=") { emit(.op(.lte)) } else { emit(.op(.lss)) }
        case UInt8(ascii: ">"):
            if accept("=") { emit(.op(.gte)) } else { emit(.op(.gtr)) }
        case _ where Lexer.isDigit(c) || (c == UInt8(ascii: ".") && Lexer.isDigit(current)):
            pos -= 1
            return lexNumberOrDuration()
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return lexString(quote: c)
        case UInt8(ascii: "`"):
            return lexRawString()
        case _ where Lexer.isAlpha(c) || c == UInt8(ascii: ":"):
            if !bracketOpen {
                pos -= 1
                lexKeywordOrIdentifier()
                return true
            }
            if gotColon {
                return fail("unexpected colon \(GoQuoting.quoteRune(Unicode.Scalar(c)))")
            }
            emit(.colon)
            gotColon = true
        case UInt8(ascii: "("):
            emit(.leftParen)
            parenDepth += 1
        case UInt8(ascii: ")"):
            emit(.rightParen)
            parenDepth -= 1
            if parenDepth < 0 {
                // Prometheus replaces the parenthesis item with the error.
                tokens.removeLast()
                return fail("unexpected right parenthesis ')'")
            }
        case UInt8(ascii: "{"):
            emit(.leftBrace)
            braceOpen = true
        case UInt8(ascii: "["):
            if bracketOpen { return fail("unexpected left bracket '['") }
            gotColon = false
            emit(.leftBracket)
            while Lexer.isSpace(current) { pos += 1 }
            start = pos
            bracketOpen = true
            return lexDuration()
        case UInt8(ascii: "]"):
            if !bracketOpen { return fail("unexpected right bracket ']'") }
            emit(.rightBracket)
            bracketOpen = false
        case UInt8(ascii: "@"):
            emit(.at)
        default:
            let (s, _) = scalar(at: pos - 1)
            return fail("unexpected character: \(GoQuoting.quoteRune(s))")
        }
        return true
    }

    private mutating func lexInsideBraces() -> Bool {
        guard let c = current else { return fail("unexpected end of input inside braces") }
        if c == UInt8(ascii: "#") {
            skipComment()
            return true
        }
        pos += 1
        switch c {
        case _ where Lexer.isSpace(c):
            while Lexer.isSpace(current) { pos += 1 }
            start = pos
        case _ where Lexer.isAlpha(c):
            while Lexer.isAlphaNumeric(current) { pos += 1 }
            emit(.identifier)
        case UInt8(ascii: ","): emit(.comma)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return lexString(quote: c)
        case UInt8(ascii: "`"): return lexRawString()
        case UInt8(ascii: "="):
            if accept("~") { emit(.eqlRegex) } else { emit(.assign) }
        case UInt8(ascii: "!"):
            if accept("~") {
                emit(.neqRegex)
            } else if accept("=") {
                emit(.op(.neq))
            } else {
                let (s, _) = scalar(at: pos)
                return fail("unexpected character after '!' inside braces: \(GoQuoting.quoteRune(s))")
            }
        case UInt8(ascii: "{"): return fail("unexpected left brace '{'")
        case UInt8(ascii: "}"):
            emit(.rightBrace)
            braceOpen = false
        default:
            let (s, _) = scalar(at: pos - 1)
            return fail("unexpected character inside braces: \(GoQuoting.quoteRune(s))")
        }
        return true
    }

    private mutating func lexString(quote: UInt8) -> Bool {
        while true {
            guard let c = current, c != UInt8(ascii: "\n") else { return fail("unterminated quoted string") }
            pos += 1
            if c == UInt8(ascii: "\\") {
                if let message = lexEscape(quote: quote) { return fail(message) }
            } else if c == quote {
                break
            }
        }
        emit(.string)
        return true
    }

    /// Checks one escape sequence after a backslash; returns the error message if it is bad.
    private mutating func lexEscape(quote: UInt8) -> String? {
        guard let c = current else { return "escape sequence not terminated" }
        let (s, width) = scalar(at: pos)
        pos += width
        let count: Int, base: UInt32, max: UInt32
        var digit: Unicode.Scalar? = s
        switch c {
        case UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
             UInt8(ascii: "t"), UInt8(ascii: "v"), UInt8(ascii: "\\"), quote:
            return nil
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            (count, base, max) = (3, 8, 255)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            (count, base, max) = c == UInt8(ascii: "x") ? (2, 16, 255) : (c == UInt8(ascii: "u") ? (4, 16, 0x10FFFF) : (8, 16, 0x10FFFF))
            let (next, w) = scalar(at: pos)
            pos += w
            digit = next
        default:
            return "unknown escape sequence \(GoQuoting.unicodeNotation(s))"
        }
        var value: UInt32 = 0
        var remaining = count
        while remaining > 0 {
            guard let d = digit else { return "escape sequence not terminated" }
            let v: UInt32
            switch d {
            case "0"..."9": v = d.value - 48
            case "a"..."f": v = d.value - 87
            case "A"..."F": v = d.value - 55
            default: v = 16
            }
            if v >= base { return "illegal character \(GoQuoting.unicodeNotation(d)) in escape sequence" }
            value = value &* base &+ v
            remaining -= 1
            if remaining > 0 {
                let (next, w) = scalar(at: pos)
                pos += w
                digit = next
            }
        }
        if value > max || (0xD800..<0xE000).contains(value) {
            return "escape sequence is an invalid Unicode code point"
        }
        return nil
    }

    private mutating func lexRawString() -> Bool {
        while true {
            guard let c = current else { return fail("unterminated raw string") }
            pos += 1
            if c == UInt8(ascii: "`") { break }
        }
        emit(.string)
        return true
    }

    /// Reads the duration that must follow `[`.
    private mutating func lexDuration() -> Bool {
        if scanNumber() { return fail("missing unit character in duration") }
        if !acceptRemainingDuration() {
            return fail("bad duration syntax: \(goQuote(String(decoding: input[start..<min(pos, input.count)], as: UTF8.self)))")
        }
        pos -= 1
        emit(.duration)
        return true
    }

    private mutating func lexNumberOrDuration() -> Bool {
        if scanNumber() {
            emit(.number)
            return true
        }
        if acceptRemainingDuration() {
            pos -= 1
            emit(.duration)
            return true
        }
        return fail("bad number or duration syntax: \(goQuote(String(decoding: input[start..<min(pos, input.count)], as: UTF8.self)))")
    }

    /// After the digits of a duration: unit letters and further number-unit pairs. Leaves
    /// the position one past the first byte that does not belong (as Prometheus does).
    private mutating func acceptRemainingDuration() -> Bool {
        if !accept("smhdwy") { return false }
        _ = accept("s")
        while accept("0123456789") {
            while accept("0123456789") {}
            if !accept("smhdw") { return false }
            _ = accept("s")
        }
        let next = current
        pos += 1
        return !Lexer.isAlphaNumeric(next)
    }

    /// Scans a decimal, hexadecimal or scientific number; true when it is not followed by
    /// a letter or digit.
    private mutating func scanNumber() -> Bool {
        var digits = "0123456789"
        if accept("0") && accept("xX") { digits = "0123456789abcdefABCDEF" }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789")
        }
        return !Lexer.isAlphaNumeric(current)
    }

    private mutating func lexKeywordOrIdentifier() {
        while let c = current, Lexer.isAlphaNumeric(c) || c == UInt8(ascii: ":") { pos += 1 }
        let word = String(decoding: input[start..<pos], as: UTF8.self)
        if let keyword = Token.keywords[word.lowercased()] {
            emit(keyword)
        } else if word.contains(":") {
            emit(.metricIdentifier)
        } else {
            emit(.identifier)
        }
    }
}
