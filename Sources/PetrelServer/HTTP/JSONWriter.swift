import PetrelCore
import PromQL

/// Appends JSON into one string without building an object tree first:
/// responses with thousands of series are written in one pass. Strings and
/// label sets use the query renderer's escaping, so every API answer escapes
/// the way Prometheus does.
public struct JSONWriter: Sendable {
    public private(set) var text = ""

    public init(capacity: Int = 256) { text.reserveCapacity(capacity) }

    /// The UTF-8 bytes written so far.
    public var bytes: [UInt8] { Array(text.utf8) }

    public mutating func raw(_ s: String) { text += s }

    /// Writes `s` as a JSON string literal.
    public mutating func string(_ s: String) { QueryResult.appendJSONString(s, to: &text) }

    /// `{"name":"value",...}` for a label set.
    public mutating func labels(_ labels: Labels) { QueryResult.appendJSON(labels, to: &text) }

    public mutating func stringArray(_ values: [String]) {
        text += "["
        for (i, v) in values.enumerated() {
            if i > 0 { text += "," }
            string(v)
        }
        text += "]"
    }
}
