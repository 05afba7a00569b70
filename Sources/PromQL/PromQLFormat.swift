/// Number and time formatting exactly as Prometheus writes it, so the HTTP API and the
/// printer produce the same bytes a real Prometheus would.
public enum PromQLFormat {
    /// A sample value as the Prometheus HTTP API writes it in vectors and matrices
    /// (`jsonutil.MarshalValue`): the shortest decimal that reads back to the same double,
    /// without exponent, except below 1e-6 and from 1e21 up where Go's `%e` form is used;
    /// `NaN`, `+Inf`, `-Inf` spelled out.
    public static func value(_ v: Double) -> String {
        let magnitude = v.magnitude
        if magnitude != 0 && magnitude.isFinite && (magnitude < 1e-6 || magnitude >= 1e21) {
            return exponent(v)
        }
        return fixed(v)
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-tripping decimal, never an
    /// exponent (`1e21` is `1000000000000000000000`). Scalars in the HTTP API use this form.
    public static func fixed(_ v: Double) -> String {
        if let special = special(v) { return special }
        let (digits, point) = shortestDigits(v)
        var out = v.sign == .minus ? "-" : ""
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out += digits + String(repeating: "0", count: point - digits.count)
        } else {
            let split = digits.index(digits.startIndex, offsetBy: point)
            out += digits[..<split] + "." + digits[split...]
        }
        return out
    }

    /// Go's `strconv.FormatFloat(v, 'e', -1, 64)`: `1e+21`, `1.5e-07`.
    public static func exponent(_ v: Double) -> String {
        exponent(v, minimumExponentDigits: 2)
    }

    static func exponent(_ v: Double, minimumExponentDigits: Int) -> String {
        if let special = special(v) { return special }
        let (digits, point) = shortestDigits(v)
        var out = v.sign == .minus ? "-" : ""
        out.append(digits.first!)
        if digits.count > 1 { out += "." + digits.dropFirst() }
        let exp = v == 0 ? 0 : point - 1
        out += exp < 0 ? "e-" : "e+"
        let magnitude = exp.magnitude
        out += magnitude < 10 && minimumExponentDigits == 2 ? "0\(magnitude)" : "\(magnitude)"
        return out
    }

    /// Go's `fmt.Sprint(v)` (`%g` with the shortest digits): the exponent form when the
    /// decimal exponent is below -4 or 6 and above (`1e+06`, `1e-05`), plain otherwise.
    /// This is how Prometheus prints number literals.
    public static func goDefault(_ v: Double) -> String {
        if let special = special(v) { return special }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (_, point) = shortestDigits(v)
        let exp = point - 1
        return exp < -4 || exp >= 6 ? exponent(v) : fixed(v)
    }

    /// A sample timestamp in the HTTP API (`jsonutil.MarshalTimestamp`): seconds with the
    /// milliseconds as exactly three decimals when there are any (`1435781451.780`,
    /// `1435781451`).
    public static func timestamp(_ milliseconds: Int64) -> String {
        var out = milliseconds < 0 ? "-" : ""
        let t = milliseconds.magnitude
        out += String(t / 1000)
        let fraction = t % 1000
        if fraction != 0 {
            out += "."
            if fraction < 100 { out += "0" }
            if fraction < 10 { out += "0" }
            out += String(fraction)
        }
        return out
    }

    /// A scalar's or string's timestamp in the HTTP API (Go's `encoding/json` of
    /// `float64(t) / 1000`): the shortest decimal, so `1435781451.78`.
    public static func scalarTimestamp(_ milliseconds: Int64) -> String {
        let seconds = Double(milliseconds) / 1000
        let magnitude = seconds.magnitude
        if magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21) {
            // encoding/json writes e-07 as e-7.
            return exponent(seconds, minimumExponentDigits: 1)
        }
        return fixed(seconds)
    }

    private static func special(_ v: Double) -> String? {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        return nil
    }

    /// The shortest decimal digits that read back to `v` (no leading or trailing zeros, "0"
    /// for zero) and the position of the decimal point relative to them: `v = 0.digits × 10^point`.
    static func shortestDigits(_ v: Double) -> (digits: String, point: Int) {
        if v == 0 { return ("0", 1) }
        // Swift's description is the shortest round-trip representation, like Go's.
        let text = v.magnitude.description
        var mantissa = Substring(text)
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        var integer = mantissa
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integer = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = Array(integer + fraction)
        var point = integer.count + exp
        while let first = digits.first, first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == "0" { digits.removeLast() }
        if digits.isEmpty { return ("0", 1) }
        return (String(digits), point)
    }
}
