/// Field values and timestamps of line protocol: InfluxDB's `scanNumber` and
/// `scanBoolean` rules, and number conversion that matches Go's `strconv` on
/// every input those rules let through, without allocating in the common case.
enum NumberScanner {
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// InfluxDB's `isNumeric`: a digit or a decimal point.
    @inline(__always)
    static func startsNumber(_ c: UInt8) -> Bool { isDigit(c) || c == UInt8(ascii: ".") }

    /// Scans a numeric field value starting at `from`, following InfluxDB's
    /// `scanNumber`, and converts it. Returns the value and where it ended.
    static func scan(_ p: UnsafePointer<UInt8>, from start: Int, lineEnd e: Int,
                     allowUnsigned: Bool) -> Result<(FieldValue, Int), LineFailure> {
        var i = start
        var isInt = false, isUnsigned = false
        if i < e && p[i] == UInt8(ascii: "-") {
            i += 1
            if i == e { return .failure(.invalidNumber) }
        }
        var decimal = false, scientific = false
        while i < e {
            let c = p[i]
            if c == LineScanner.comma || c == LineScanner.space { break }
            if c == UInt8(ascii: "i") && i > start && !(isInt || isUnsigned) {
                isInt = true; i += 1; continue
            }
            if c == UInt8(ascii: "u") && i > start && !(isInt || isUnsigned) {
                isUnsigned = true; i += 1; continue
            }
            if c == UInt8(ascii: ".") {
                if decimal { return .failure(.invalidNumber) }
                decimal = true
            }
            if i > start && (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) {
                scientific = true; i += 1; continue
            }
            if (c == UInt8(ascii: "+") || c == UInt8(ascii: "-"))
                && (p[i - 1] == UInt8(ascii: "e") || p[i - 1] == UInt8(ascii: "E")) {
                i += 1; continue
            }
            if i + 2 < e && (c == UInt8(ascii: "N") || c == UInt8(ascii: "n")) { return .failure(.invalidNumber) }
            if !startsNumber(c) { return .failure(.invalidNumber) }
            i += 1
        }
        if (isInt || isUnsigned) && (decimal || scientific) { return .failure(.invalidNumber) }
        let negative = p[start] == UInt8(ascii: "-")
        var digits = i - start
        if isInt { digits -= 1 }
        if decimal { digits -= 1 }
        if negative { digits -= 1 }
        if digits == 0 { return .failure(.invalidNumber) }

        if isInt {
            if p[i - 1] != UInt8(ascii: "i") { return .failure(.invalidNumber) }
            guard let v = parseInt64(p, start, i - 1) else {
                return .failure(.integerOutOfRange(start: start, end: i - 1))
            }
            return .success((.integer(v), i))
        }
        if isUnsigned {
            if !allowUnsigned || p[i - 1] != UInt8(ascii: "u") || negative { return .failure(.invalidNumber) }
            guard let v = parseUInt64(p, start, i - 1) else {
                return .failure(.unsignedOutOfRange(start: start, end: i - 1))
            }
            return .success((.unsigned(v), i))
        }
        guard let v = parseDouble(p, start, i) else { return .failure(.invalidFloat) }
        return .success((.float(v), i))
    }

    /// InfluxDB's `scanBoolean`: `t T true True TRUE f F false False FALSE`.
    static func scanBoolean(_ p: UnsafePointer<UInt8>, from start: Int,
                            lineEnd e: Int) -> Result<(Bool, Int), LineFailure> {
        let first = p[start]
        let isTrue = first == UInt8(ascii: "t") || first == UInt8(ascii: "T")
        let isFalse = first == UInt8(ascii: "f") || first == UInt8(ascii: "F")
        if !isTrue && !isFalse { return .failure(.invalidBoolean) }
        var i = start + 1
        while i < e && p[i] != LineScanner.comma && p[i] != LineScanner.space { i += 1 }
        let length = i - start
        if length == 1 { return .success((isTrue, i)) }
        let word = UnsafeBufferPointer(start: p + start, count: length)
        let valid: Bool
        switch first {
        case UInt8(ascii: "t"): valid = word.elementsEqual("true".utf8)
        case UInt8(ascii: "f"): valid = word.elementsEqual("false".utf8)
        case UInt8(ascii: "T"): valid = word.elementsEqual("TRUE".utf8) || word.elementsEqual("True".utf8)
        default: valid = word.elementsEqual("FALSE".utf8) || word.elementsEqual("False".utf8)
        }
        return valid ? .success((isTrue, i)) : .failure(.invalidBoolean)
    }

    /// `-?[0-9]+` in `p[start..<end]` as an Int64; nil on bad syntax or overflow.
    static func parseInt64(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var i = start
        let negative = i < end && p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < end else { return nil }
        var magnitude: UInt64 = 0
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            magnitude = s
            i += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// `[0-9]+` in `p[start..<end]` as a UInt64; nil on bad syntax or overflow.
    static func parseUInt64(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> UInt64? {
        guard start < end else { return nil }
        var value: UInt64 = 0
        for i in start..<end {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    /// 10^n for 0 <= n <= 22: exactly representable in a Double.
    @inline(__always)
    static func exactPowerOfTen(_ n: Int) -> Double {
        switch n {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// A decimal float as Go's `strconv.ParseFloat` reads it:
    /// `-?(digits[.digits*]|.digits)([eE][+-]?digits)?`. Nil on bad syntax or when
    /// the value overflows to infinity (Go's range error); underflow gives zero.
    ///
    /// Values with at most 19 significant digits and a small exponent are
    /// converted exactly with one multiplication or division (Clinger's fast path);
    /// anything else goes through the standard library's correctly rounded parser.
    static func parseDouble(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        let negative = i < end && p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        var significant = 0, dropped = false
        var exponent = 0
        var sawDigit = false, sawPoint = false
        while i < end {
            let c = p[i]
            if isDigit(c) {
                sawDigit = true
                let d = UInt64(c &- UInt8(ascii: "0"))
                if mantissa == 0 && d == 0 {
                    if sawPoint { exponent -= 1 }
                } else if significant < 19 {
                    mantissa = mantissa * 10 + d
                    significant += 1
                    if sawPoint { exponent -= 1 }
                } else {
                    if d != 0 { dropped = true }
                    if !sawPoint { exponent += 1 }
                }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return nil }
        if i < end {
            guard p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var expNegative = false
            if i < end && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end else { return nil }
            var e = 0
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !dropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / exactPowerOfTen(-exponent) : value * exactPowerOfTen(exponent)
            return negative ? -value : value
        }
        // Rare: long mantissas or large exponents. Allocates only past 15 bytes.
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
