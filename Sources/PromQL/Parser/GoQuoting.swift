/// Go's quoting rules (`%q`, `%#U`), which Prometheus uses in the printer and in error
/// messages; reproduced so both read exactly as Prometheus' do.
enum GoQuoting {
    /// Go's `strconv.Quote`: double quotes, `\"` and `\\`, short escapes for control
    /// characters, `\x..`/`\u....` for other unprintable characters.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            appendEscaped(scalar, quote: "\"", to: &out)
        }
        out += "\""
        return out
    }

    /// Go's `%q` of a rune: `'x'`, `'\n'`.
    static func quoteRune(_ scalar: Unicode.Scalar?) -> String {
        var out = "'"
        appendEscaped(scalar ?? "\u{FFFD}", quote: "'", to: &out)
        out += "'"
        return out
    }

    /// Go's `%.10q`: the first ten characters of `s`, quoted.
    static func quotePrefix(_ s: String, characters: Int) -> String {
        quote(String(String.UnicodeScalarView(s.unicodeScalars.prefix(characters))))
    }

    /// Go's `%#U` of a rune: `U+0063 'c'`.
    static func unicodeNotation(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "U+FFFFFFFFFFFFFFFF" }
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        return isPrintable(scalar) ? "U+\(hex) '\(Character(scalar))'" : "U+\(hex)"
    }

    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote: Unicode.Scalar, to out: inout String) {
        if scalar == quote || scalar == "\\" {
            out += "\\"
            out.unicodeScalars.append(scalar)
            return
        }
        if isPrintable(scalar) {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            let value = scalar.value
            if value < 0x20 || value == 0x7F {
                out += "\\x" + hex(value, digits: 2)
            } else if value < 0x10000 {
                out += "\\u" + hex(value, digits: 4)
            } else {
                out += "\\U" + hex(value, digits: 8)
            }
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        var s = String(value, radix: 16)
        while s.count < digits { s = "0" + s }
        return s
    }

    /// Prometheus' `strutil.Unquote`: removes the quotes of a `'...'`, `"..."` or `` `...` ``
    /// literal and resolves Go escapes. Returns nil when the literal is malformed (the lexer
    /// has already rejected almost everything that could be).
    static func unquote(_ literal: [UInt8]) -> String? {
        guard literal.count >= 2, let quote = literal.first, literal.last == quote else { return nil }
        let body = literal[1..<(literal.count - 1)]
        if quote == UInt8(ascii: "`") {
            if body.contains(quote) { return nil }
            return String(decoding: body, as: UTF8.self)
        }
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = body.startIndex
        func hexValue(_ b: UInt8) -> UInt32? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        while i < body.endIndex {
            let b = body[i]
            if b == quote { return nil }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            i += 1
            guard i < body.endIndex else { return nil }
            let e = body[i]
            i += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"): out.append(e)
            case quote: out.append(e)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard i + 1 < body.endIndex else { return nil }
                var v = UInt32(e - UInt8(ascii: "0"))
                for _ in 0..<2 {
                    let d = body[i]
                    guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { return nil }
                    v = v * 8 + UInt32(d - UInt8(ascii: "0"))
                    i += 1
                }
                guard v <= 255 else { return nil }
                out.append(UInt8(v))
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                guard i + count <= body.endIndex else { return nil }
                var v: UInt32 = 0
                for _ in 0..<count {
                    guard let d = hexValue(body[i]) else { return nil }
                    v = v &* 16 &+ d
                    i += 1
                }
                if e == UInt8(ascii: "x") {
                    out.append(UInt8(v))
                } else {
                    guard let scalar = Unicode.Scalar(v) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            default:
                return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Go's `%q` of a string, for messages.
func goQuote(_ s: String) -> String { GoQuoting.quote(s) }
