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
    public static func appendJSON(_ labels: Labels, to out: inout String) { JSONWriter.appendLabels(labels, to: &out) }

    /// A JSON string escaped as Prometheus' encoder does.
    public static func appendJSONString(_ s: String, to out: inout String) { JSONWriter.appendString(s, to: &out) }
}
