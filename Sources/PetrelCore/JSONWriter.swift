/// Appends JSON into one string without building an object tree first:
/// responses with thousands of series and streams of log events are written
/// in one pass. Strings are escaped the way Prometheus' encoder does, so
/// every API answer and every event escapes alike.
public struct JSONWriter: Sendable {
    public private(set) var text = ""

    public init(capacity: Int = 256) { text.reserveCapacity(capacity) }

    /// The UTF-8 bytes written so far.
    public var bytes: [UInt8] { Array(text.utf8) }

    public mutating func raw(_ s: String) { text += s }

    /// Writes `s` as a JSON string literal.
    public mutating func string(_ s: String) { Self.appendString(s, to: &text) }

    /// `{"name":"value",...}` for a label set.
    public mutating func labels(_ labels: Labels) { Self.appendLabels(labels, to: &text) }

    public mutating func stringArray(_ values: [String]) {
        array(values) { $0.string($1) }
    }

    /// A JSON array: `element` writes each item; the brackets and commas are written here.
    public mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        text += "["
        var first = true
        for item in items {
            if !first { text += "," }
            first = false
            element(&self, item)
        }
        text += "]"
    }

    /// A label set as a JSON object in label order: `{"__name__":"up","job":"x"}`.
    public static func appendLabels(_ labels: Labels, to out: inout String) {
        out += "{"
        for (i, label) in labels.enumerated() {
            if i > 0 { out += "," }
            appendString(label.name, to: &out)
            out += ":"
            appendString(label.value, to: &out)
        }
        out += "}"
    }

    /// A JSON string escaped as Prometheus' encoder does (HTML-safe: `<`, `>`, `&` as
    /// `\u003c`, `\u003e`, `\u0026`; U+2028/2029 escaped).
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u00" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
