/// Decodes StatsD and DogStatsD lines: `name[,tag=v...]:value|type[|@rate][|#tag:v,tag2]`,
/// Telegraf's several values per line (`name:1|c:5|ms|@0.1`), and DogStatsD
/// events and service checks (recognised and checked; see `decodeEvent`).
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

    /// Decodes the line `line` of `bytes`; the ranges in the result index
    /// `bytes`. For a line with several values (`name:1|c:2|g`) this is the first.
    public static func decode(_ bytes: UnsafeRawBufferPointer, line: Range<Int>) -> Result<StatsDMetric, StatsDFailure> {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .failure(.emptyName) }
        return decode(base, line.lowerBound, line.upperBound)
    }

    /// Decodes the line `p[start..<end]` (no newline in it); the first metric of a multi-value line.
    public static func decode(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<StatsDMetric, StatsDFailure> {
        var first: StatsDMetric? = nil
        let result = decodeLine(p, start, end) { metric in
            if first == nil { first = metric }
        }
        switch result {
        case .failure(let failure): return .failure(failure)
        case .success(.metrics): return first.map { .success($0) } ?? .failure(.missingType)
        case .success(.event), .success(.serviceCheck): return .failure(.notAMetric)
        }
    }

    /// Decodes every line of `bytes`: `body` gets each metric's line number
    /// and the metric; returns what the line held or why it was refused.
    public static func decodeLine(_ bytes: UnsafeRawBufferPointer, line: Range<Int>,
                                  _ body: (StatsDMetric) -> Void) -> Result<StatsDLineKind, StatsDFailure> {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .failure(.emptyName) }
        return decodeLine(base, line.lowerBound, line.upperBound, body)
    }

    /// Decodes the line `p[start..<end]`: calls `body` with each of its metrics
    /// (several for Telegraf's `name:1|c:2|g|@0.5` form, which shares the name
    /// and the tags), or recognises a DogStatsD event (`_e{...}`) or service
    /// check (`_sc|...`). A bad value after good ones fails the line after
    /// the good ones were passed on.
    @inline(__always)
    public static func decodeLine(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                                  _ body: (StatsDMetric) -> Void) -> Result<StatsDLineKind, StatsDFailure> {
        if end - start >= 3 && p[start] == UInt8(ascii: "_") {
            if p[start + 1] == UInt8(ascii: "e") && p[start + 2] == UInt8(ascii: "{") {
                return decodeEvent(p, start, end).map { .event }
            }
            if p[start + 1] == UInt8(ascii: "s") && p[start + 2] == UInt8(ascii: "c")
                && (end - start == 3 || p[start + 3] == bar) {
                return decodeServiceCheck(p, start, end).map { .serviceCheck }
            }
        }
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
        let tags = dogStatsDTags(p, colonAt + 1, end)

        var count = 0
        var segment = colonAt + 1
        while true {
            switch decodeValue(p, segment, end) {
            case .failure(let failure):
                return .failure(failure)
            case .success(let (value, next)):
                var metric = value
                metric.name = start..<nameEnd
                metric.nameTags = nameTags
                metric.tags = tags
                body(metric)
                count += 1
                guard next < end else { return .success(.metrics(count)) }
                segment = next + 1
            }
        }
    }

    /// The range of the `|#a:b,c` section's tags anywhere after the name, if any.
    @inline(__always)
    static func dogStatsDTags(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Range<Int>? {
        var i = from
        while i + 1 < end {
            if p[i] == bar && p[i + 1] == UInt8(ascii: "#") {
                var tagsEnd = i + 2
                while tagsEnd < end && p[tagsEnd] != bar { tagsEnd += 1 }
                return tagsEnd > i + 2 ? (i + 2)..<tagsEnd : nil
            }
            i += 1
        }
        return nil
    }

    /// Decodes one `value|type[|@rate][|#tags][|c:id][|Tts]` segment starting
    /// at `from`; returns it (name and tags unset) and where it ended: `end`,
    /// or the `:` that starts the next value.
    @inline(__always)
    static func decodeValue(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int)
        -> Result<(StatsDMetric, Int), StatsDFailure> {
        // Value up to the first bar.
        var i = from
        while i < end && p[i] != bar { i += 1 }
        guard i < end else { return .failure(.missingType) }
        let valueText = from..<i

        // Type up to the next bar or colon.
        let typeStart = i + 1
        i = typeStart
        while i < end && p[i] != bar && p[i] != colon { i += 1 }
        guard let type = typeCode(p, typeStart, i) else { return .failure(.unknownType) }

        var metric = StatsDMetric(type: type, name: from..<from, value: 0, valueText: valueText)
        if type != .set {
            var first = valueText.lowerBound
            guard first < valueText.upperBound else { return .failure(.badValue) }
            let sign = p[first]
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                metric.isDelta = type == .gauge
                if sign == UInt8(ascii: "+") { first += 1 }
            }
            guard let value = NumberScanner.parseDouble(p, first, valueText.upperBound), value.isFinite
            else { return .failure(.badValue) }
            metric.value = value
        } else if valueText.isEmpty {
            return .failure(.badValue)
        }

        // Optional sections: @rate, #tags, c:container-id, Ttimestamp; tags
        // and container ids may hold colons, so they run to the next bar.
        while i < end && p[i] == bar {
            let sectionStart = i + 1
            i = sectionStart
            guard sectionStart < end else { return .failure(.badSection) }
            let head = p[sectionStart]
            if head == UInt8(ascii: "#") || (head == UInt8(ascii: "c") && sectionStart + 1 < end
                                             && p[sectionStart + 1] == colon) {
                while i < end && p[i] != bar { i += 1 }
                continue
            }
            while i < end && p[i] != bar && p[i] != colon { i += 1 }
            guard sectionStart < i else { return .failure(.badSection) }
            switch head {
            case UInt8(ascii: "@"):
                guard let rate = NumberScanner.parseDouble(p, sectionStart + 1, i), rate > 0, rate <= 1
                else { return .failure(.badSampleRate) }
                metric.sampleRate = rate
            case UInt8(ascii: "T"):
                break
            default:
                return .failure(.badSection)
            }
        }
        return .success((metric, i))
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
