import PetrelCore

/// The `data` object of a Prometheus HTTP API query response, byte for byte as Prometheus
/// writes it.
extension QueryResult {
    /// `{"resultType":"matrix","result":[{"metric":{...},"values":[[1435781430.781,"1"]]}]}`
    /// and the vector, scalar and string equivalents.
    public var prometheusJSON: String {
        var out = ""
        appendJSON(to: &out)
        return out
    }

    public func appendJSON(to out: inout String) {
        switch self {
        case .scalar(let t, let v):
            out += "{\"resultType\":\"scalar\",\"result\":[\(PromQLFormat.scalarTimestamp(t)),\""
            out += PromQLFormat.fixed(v)
            out += "\"]}"
        case .string(let t, let s):
            out += "{\"resultType\":\"string\",\"result\":[\(PromQLFormat.scalarTimestamp(t)),"
            QueryResult.appendJSONString(s, to: &out)
            out += "]}"
        case .vector(let samples):
            out += "{\"resultType\":\"vector\",\"result\":["
            for (i, sample) in samples.enumerated() {
                if i > 0 { out += "," }
                out += "{\"metric\":"
                QueryResult.appendJSON(sample.labels, to: &out)
                out += ",\"value\":["
                out += PromQLFormat.timestamp(sample.timestamp)
                out += ",\""
                out += PromQLFormat.value(sample.value)
                out += "\"]}"
            }
            out += "]}"
        case .matrix(let series):
            out += "{\"resultType\":\"matrix\",\"result\":["
            for (i, s) in series.enumerated() {
                if i > 0 { out += "," }
                out += "{\"metric\":"
                QueryResult.appendJSON(s.labels, to: &out)
                out += ",\"values\":["
                for j in 0..<s.count {
                    if j > 0 { out += "," }
                    out += "["
                    out += PromQLFormat.timestamp(s.timestamps[j])
                    out += ",\""
                    out += PromQLFormat.value(s.values[j])
                    out += "\"]"
                }
                out += "]}"
            }
            out += "]}"
        }
    }

    /// A label set as a JSON object in label order: `{"__name__":"up","job":"x"}`.
    public static func appendJSON(_ labels: Labels, to out: inout String) {
        out += "{"
        for (i, label) in labels.enumerated() {
            if i > 0 { out += "," }
            appendJSONString(label.name, to: &out)
            out += ":"
            appendJSONString(label.value, to: &out)
        }
        out += "}"
    }

    /// A JSON string escaped as Prometheus' encoder does (HTML-safe: `<`, `>`, `&` as
    /// `\u003c`, `\u003e`, `\u0026`; U+2028/2029 escaped).
    public static func appendJSONString(_ s: String, to out: inout String) {
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
