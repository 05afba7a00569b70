/// Durations written the Prometheus way (`15d`, `1h30m`, `100ms`, `2w`), for
/// configuration files and flags.
public enum DurationText {
    /// Milliseconds for `text`, or nil when it is not a duration. Units: ms, s, m, h, d, w, y.
    public static func millis(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var total: Int64 = 0
        var i = 0
        while i < bytes.count {
            var number: Int64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                let (m, o1) = number.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 48))
                if o1 || o2 { return nil }
                number = a
                i += 1
            }
            guard i > start, i < bytes.count else { return nil }
            let unit: Int64
            if bytes[i] == UInt8(ascii: "m"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "s") {
                unit = 1; i += 2
            } else {
                switch bytes[i] {
                case UInt8(ascii: "s"): unit = 1000
                case UInt8(ascii: "m"): unit = 60_000
                case UInt8(ascii: "h"): unit = 3_600_000
                case UInt8(ascii: "d"): unit = 86_400_000
                case UInt8(ascii: "w"): unit = 604_800_000
                case UInt8(ascii: "y"): unit = 31_536_000_000
                default: return nil
                }
                i += 1
            }
            let (product, overflow) = number.multipliedReportingOverflow(by: unit)
            if overflow { return nil }
            total += product
        }
        return total
    }

    /// The shortest text for `millis` in the same notation (`90000` → `1m30s`).
    public static func format(millis: Int64) -> String {
        if millis == 0 { return "0s" }
        var rest = millis
        var out = ""
        for (unit, name) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] {
            if rest >= unit {
                out += "\(rest / unit)\(name)"
                rest %= unit
            }
        }
        return out
    }
}
