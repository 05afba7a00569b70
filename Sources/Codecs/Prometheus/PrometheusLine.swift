import PetrelCore

/// Reads one non-blank line of the Prometheus text format.
struct PrometheusLine {
    enum Outcome {
        case comment
        case endOfInput
        /// A `# TYPE name type` line.
        case metricType(String, String)
        case sample(Labels, Int64?, Double)
    }

    struct Failure: Error {
        var message: String
    }

    let bytes: UnsafeRawBufferPointer
    let maxLabels: Int
    /// OpenMetrics rules: timestamps in (fractional) seconds, an exemplar
    /// (` # {labels} value [timestamp]`) may follow the sample and is ignored.
    let openMetrics: Bool
    var i = 0

    init(bytes: UnsafeRawBufferPointer, maxLabels: Int, openMetrics: Bool = false) {
        self.bytes = bytes
        self.maxLabels = maxLabels
        self.openMetrics = openMetrics
    }

    /// Whether the rest of the line is an OpenMetrics exemplar.
    var atExemplar: Bool { openMetrics && i < bytes.count && bytes[i] == UInt8(ascii: "#") }

    static let metricTypes: Set<String> = [
        "counter", "gauge", "histogram", "summary", "untyped",
        "unknown", "gaugehistogram", "stateset", "info",
    ]

    @inline(__always)
    static func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }

    static func isNameChar(_ c: UInt8) -> Bool { isNameStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) }

    mutating func skipBlanks() { while i < bytes.count && Self.isBlank(bytes[i]) { i += 1 } }

    /// The next run of non-blank bytes.
    mutating func token() -> String {
        let start = i
        while i < bytes.count && !Self.isBlank(bytes[i]) { i += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    /// Parses the line, reporting a bad one as a failure value.
    mutating func read() -> Result<Outcome, Failure> {
        do { return .success(try parse()) } catch { return .failure(error) }
    }

    mutating func parse() throws(Failure) -> Outcome {
        if bytes[0] == UInt8(ascii: "#") { return try comment() }
        // Metric name: [a-zA-Z_:][a-zA-Z0-9_:]*
        let nameStart = i
        guard Self.isNameStart(bytes[i]) || bytes[i] == UInt8(ascii: ":") else {
            throw Failure(message: "invalid metric name start \(Self.describe(bytes[i]))")
        }
        while i < bytes.count && (Self.isNameChar(bytes[i]) || bytes[i] == UInt8(ascii: ":")) { i += 1 }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<i]), as: UTF8.self)
        var pairs = [Label(Labels.metricName, name)]
        skipBlanks()
        if i < bytes.count && bytes[i] == UInt8(ascii: "{") {
            i += 1
            try labels(into: &pairs)
        }
        guard i < bytes.count else { throw Failure(message: "missing value") }
        guard i > 0 && (Self.isBlank(bytes[i - 1]) || bytes[i - 1] == UInt8(ascii: "}")) else {
            throw Failure(message: "invalid character \(Self.describe(bytes[i])) in metric name")
        }
        skipBlanks()
        let valueText = token()
        guard !valueText.isEmpty else { throw Failure(message: "missing value") }
        guard let value = Self.parseValue(valueText) else {
            throw Failure(message: "invalid value \"\(valueText)\"")
        }
        skipBlanks()
        var timestamp: Int64?
        if i < bytes.count && !atExemplar {
            let text = token()
            if openMetrics {
                guard let seconds = Self.parseValue(text), seconds.isFinite, abs(seconds) < 9e12 else {
                    throw Failure(message: "invalid timestamp \"\(text)\"")
                }
                timestamp = Int64((seconds * 1000).rounded())
            } else {
                guard let t = Int64(text) else { throw Failure(message: "invalid timestamp \"\(text)\"") }
                timestamp = t
            }
            skipBlanks()
            if i < bytes.count && !atExemplar { throw Failure(message: "unexpected \"\(token())\" after timestamp") }
        }
        return .sample(Labels(pairs), timestamp, value)
    }

    /// `{name="value",...}` after the `{`, trailing comma allowed.
    mutating func labels(into pairs: inout [Label]) throws(Failure) {
        var names: Set<String> = [Labels.metricName]
        while true {
            skipBlanks()
            guard i < bytes.count else { throw Failure(message: "unterminated label set") }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            guard Self.isNameStart(bytes[i]) else {
                throw Failure(message: "invalid label name start \(Self.describe(bytes[i]))")
            }
            let start = i
            while i < bytes.count && Self.isNameChar(bytes[i]) { i += 1 }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            skipBlanks()
            guard i < bytes.count && bytes[i] == UInt8(ascii: "=") else {
                throw Failure(message: "expected \"=\" after label name \"\(name)\"")
            }
            i += 1
            skipBlanks()
            guard i < bytes.count && bytes[i] == UInt8(ascii: "\"") else {
                throw Failure(message: "expected quoted value for label \"\(name)\"")
            }
            i += 1
            var value: [UInt8] = []
            var closed = false
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { closed = true; i += 1; break }
                if c == UInt8(ascii: "\\") && i + 1 < bytes.count {
                    let next = bytes[i + 1]
                    switch next {
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): value.append(next)
                    case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                    default: value.append(c); value.append(next)  // unknown escapes stay literal
                    }
                    i += 2
                    continue
                }
                value.append(c)
                i += 1
            }
            guard closed else { throw Failure(message: "unterminated label value for \"\(name)\"") }
            guard let text = String(validating: value, as: UTF8.self) else {
                throw Failure(message: "invalid UTF-8 in value of label \"\(name)\"")
            }
            guard names.insert(name).inserted else { throw Failure(message: "duplicate label name \"\(name)\"") }
            pairs.append(Label(name, text))
            if pairs.count > maxLabels { throw Failure(message: "too many labels (limit \(maxLabels))") }
            skipBlanks()
            guard i < bytes.count else { throw Failure(message: "unterminated label set") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return }
            throw Failure(message: "expected \",\" or \"}\" after label \"\(name)\", got \(Self.describe(bytes[i]))")
        }
    }

    /// `# HELP`, `# TYPE`, `# EOF` or any other comment.
    mutating func comment() throws(Failure) -> Outcome {
        i = 1
        skipBlanks()
        let keyword = token()
        switch keyword {
        case "EOF":
            skipBlanks()
            return i == bytes.count ? .endOfInput : .comment
        case "TYPE":
            skipBlanks()
            let name = token()
            skipBlanks()
            let type = token()
            guard !name.isEmpty else { throw Failure(message: "missing metric name in TYPE line") }
            guard Self.metricTypes.contains(type) else { throw Failure(message: "invalid metric type \"\(type)\"") }
            return .metricType(name, type)
        default:
            return .comment
        }
    }

    /// A sample value as Go's `strconv.ParseFloat` reads it: decimal or hex
    /// floats, `NaN`, `Inf`, `+Inf`, `-Inf` (any case, `Infinity` too).
    static func parseValue(_ text: String) -> Double? {
        if text == PrometheusTextWriter.staleToken { return StaleMarker.value }
        var body = Substring(text)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "nan": return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: break
        }
        let utf8 = Array(body.utf8)
        guard !utf8.isEmpty else { return nil }
        let magnitude: Double?
        if utf8.count > 2 && utf8[0] == UInt8(ascii: "0") && (utf8[1] | 0x20) == UInt8(ascii: "x") {
            // Hex float: the standard library parses it; refuse anything exotic first.
            guard utf8.dropFirst(2).allSatisfy({ $0.isHexFloatChar }) else { return nil }
            magnitude = Double(String(body))
        } else {
            guard utf8.allSatisfy({ NumberScanner.startsNumber($0) || $0 == UInt8(ascii: "e")
                || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) else { return nil }
            magnitude = utf8.withUnsafeBufferPointer { NumberScanner.parseDouble($0.baseAddress!, 0, $0.count) }
        }
        guard let m = magnitude, m.isFinite else { return nil }
        return negative ? -m : m
    }

    static func describe(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? "\"\(Character(Unicode.Scalar(c)))\"" : "byte 0x\(String(c, radix: 16))"
    }
}

extension UInt8 {
    fileprivate var isHexFloatChar: Bool {
        (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")) || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
            || self == UInt8(ascii: ".") || self | 0x20 == UInt8(ascii: "p") || self == UInt8(ascii: "+")
            || self == UInt8(ascii: "-")
    }
}
