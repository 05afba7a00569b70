/// PromQL durations (`1h30m`, `5m`, `250ms`, `2w`, `1y`) read and written as Prometheus'
/// `model.Duration` does, in milliseconds.
public enum PromDuration {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 24 * 3_600_000), ("w", 7 * 24 * 3_600_000), ("d", 24 * 3_600_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses a duration; units must appear at most once each, largest first. The error
    /// text is Prometheus' (`not a valid duration string: "5m1h"`).
    public static func parse(_ text: String) throws(PromDurationError) -> Int64 {
        if text == "0" { return 0 }
        if text.isEmpty { throw PromDurationError(message: "empty duration string") }
        let bytes = Array(text.utf8)
        var index = 0
        var nextUnit = 0
        var totalNanos: Int64 = 0
        var overflow = false
        let invalid = PromDurationError(message: "not a valid duration string: \(goQuote(text))")
        while index < bytes.count {
            let digitsStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            if index == digitsStart { throw invalid }
            let digits = bytes[digitsStart..<index]
            // Longest unit first so "ms" is not read as "m".
            var matched: Int?
            for u in nextUnit..<units.count {
                let suffix = Array(units[u].suffix.utf8)
                if bytes.count - index >= suffix.count, Array(bytes[index..<(index + suffix.count)]) == suffix {
                    let after = index + suffix.count
                    // "m" must not swallow the "m" of "ms".
                    if units[u].suffix == "m", after < bytes.count, bytes[after] == UInt8(ascii: "s") { continue }
                    matched = u
                    index = after
                    break
                }
            }
            guard let unit = matched else { throw invalid }
            nextUnit = unit + 1
            var n: Int64 = 0
            for d in digits {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d - UInt8(ascii: "0")))
                if o1 || o2 { overflow = true; n = .max; break }
                n = a
            }
            let nanosPerUnit = units[unit].milliseconds * 1_000_000
            let (product, o3) = n.multipliedReportingOverflow(by: nanosPerUnit)
            let (sum, o4) = totalNanos.addingReportingOverflow(product)
            if o3 || o4 { overflow = true } else { totalNanos = sum }
        }
        if overflow { throw PromDurationError(message: "duration out of range") }
        return totalNanos / 1_000_000
    }

    /// Formats milliseconds the way Prometheus prints durations: `1h30m`, `90d` (years and
    /// weeks only when they divide evenly), `0s` for zero.
    public static func format(_ milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var out = ""
        for (index, unit) in units.enumerated() {
            let exactOnly = index < 2
            if exactOnly && rest % unit.milliseconds != 0 { continue }
            let count = rest / unit.milliseconds
            if count > 0 {
                out += "\(count)\(unit.suffix)"
                rest -= count * unit.milliseconds
            }
        }
        return out
    }
}

/// Why a duration did not parse.
public struct PromDurationError: Error, Sendable, Equatable {
    public let message: String
}
