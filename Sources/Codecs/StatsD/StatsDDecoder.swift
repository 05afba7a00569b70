/// Decodes StatsD and DogStatsD lines: `name[,tag=v...]:value|type[|@rate][|#tag:v,tag2]`.
///
/// Pure and byte-level: it works on the caller's bytes and returns ranges into
/// them, so the hot path of a UDP listener allocates nothing per metric.
/// Framing (a packet of newline-separated lines) is `forEachLine`.
public enum StatsDDecoder {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let colon = UInt8(ascii: ":")
    static let bar = UInt8(ascii: "|")
    static let comma = UInt8(ascii: ",")

    /// Calls `body` with the 1-based number and the byte range of each
    /// non-empty line of `bytes` (`\n` or `\r\n` separated).
    @inline(__always)
    public static func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (Int, Range<Int>) -> Void) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = bytes.count
        var start = 0, number = 0
        while start < count {
            var end = start
            while end < count && base[end] != newline { end += 1 }
            var lineEnd = end
            if lineEnd > start && base[lineEnd - 1] == carriageReturn { lineEnd -= 1 }
            number += 1
            if lineEnd > start { body(number, start..<lineEnd) }
            start = end + 1
        }
    }

    /// Decodes the line `line` of `bytes`; the ranges in the result index `bytes`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, line: Range<Int>) -> Result<StatsDMetric, StatsDFailure> {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .failure(.emptyName) }
        return decode(base, line.lowerBound, line.upperBound)
    }

    /// Decodes the line `p[start..<end]` (no newline in it).
    public static func decode(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<StatsDMetric, StatsDFailure> {
        // Name, with Influx-style tags after the first comma.
        var i = start
        var nameEnd = -1
        while i < end && p[i] != colon {
            if p[i] == comma && nameEnd < 0 { nameEnd = i }
            i += 1
        }
        guard i < end else { return .failure(.missingColon) }
        let colonAt = i
        if nameEnd < 0 { nameEnd = colonAt }
        guard nameEnd > start else { return .failure(.emptyName) }
        var nameTags: Range<Int>? = nil
        if nameEnd < colonAt {
            let tags = (nameEnd + 1)..<colonAt
            guard validNameTags(p, tags) else { return .failure(.badTag) }
            nameTags = tags
        }

        // Value up to the first bar.
        i = colonAt + 1
        while i < end && p[i] != bar { i += 1 }
        guard i < end else { return .failure(.missingType) }
        let valueText = (colonAt + 1)..<i

        // Type up to the next bar.
        let typeStart = i + 1
        i = typeStart
        while i < end && p[i] != bar { i += 1 }
        guard let type = typeCode(p, typeStart, i) else { return .failure(.unknownType) }

        var metric = StatsDMetric(type: type, name: start..<nameEnd, nameTags: nameTags, value: 0, valueText: valueText)
        if type != .set {
            var from = valueText.lowerBound
            guard from < valueText.upperBound else { return .failure(.badValue) }
            let sign = p[from]
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                metric.isDelta = type == .gauge
                if sign == UInt8(ascii: "+") { from += 1 }
            }
            guard let value = NumberScanner.parseDouble(p, from, valueText.upperBound), value.isFinite
            else { return .failure(.badValue) }
            metric.value = value
        } else if valueText.isEmpty {
            return .failure(.badValue)
        }

        // Optional sections: @rate, #tags, c:container-id, Ttimestamp.
        while i < end {
            let sectionStart = i + 1
            i = sectionStart
            while i < end && p[i] != bar { i += 1 }
            guard sectionStart < i else { return .failure(.badSection) }
            switch p[sectionStart] {
            case UInt8(ascii: "@"):
                guard let rate = NumberScanner.parseDouble(p, sectionStart + 1, i), rate > 0, rate <= 1
                else { return .failure(.badSampleRate) }
                metric.sampleRate = rate
            case UInt8(ascii: "#"):
                if sectionStart + 1 < i { metric.tags = (sectionStart + 1)..<i }
            case UInt8(ascii: "c") where sectionStart + 1 < i && p[sectionStart + 1] == colon:
                break
            case UInt8(ascii: "T"):
                break
            default:
                return .failure(.badSection)
            }
        }
        return .success(metric)
    }

    @inline(__always)
    static func typeCode(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> StatsDType? {
        switch end - start {
        case 1:
            switch p[start] {
            case UInt8(ascii: "c"): return .counter
            case UInt8(ascii: "g"): return .gauge
            case UInt8(ascii: "h"): return .histogram
            case UInt8(ascii: "d"): return .distribution
            case UInt8(ascii: "s"): return .set
            default: return nil
            }
        case 2:
            return p[start] == UInt8(ascii: "m") && p[start + 1] == UInt8(ascii: "s") ? .timing : nil
        default:
            return nil
        }
    }

    /// Whether every comma-separated pair has a non-empty key and an `=`.
    static func validNameTags(_ p: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        var pairStart = range.lowerBound
        var equals = -1
        var i = range.lowerBound
        while i <= range.upperBound {
            if i == range.upperBound || p[i] == comma {
                if equals <= pairStart { return false }
                pairStart = i + 1
                equals = -1
            } else if p[i] == UInt8(ascii: "=") && equals < 0 {
                equals = i
            }
            i += 1
        }
        return true
    }
}
