/// An owned copy of one parsed line, for code off the hot path (tests, tools,
/// small bodies) that wants Swift strings rather than borrowed bytes.
public struct LineProtocolPoint: Sendable, Hashable {
    /// An owned field value.
    public enum Value: Sendable, Hashable {
        case float(Double)
        case integer(Int64)
        case unsigned(UInt64)
        case boolean(Bool)
        case string(String)
    }

    public var measurement: String
    /// Tags sorted by key, as the parser delivers them.
    public var tags: [(key: String, value: String)]
    public var fields: [(key: String, value: Value)]
    public var timestampNanos: Int64

    public init(measurement: String, tags: [(key: String, value: String)] = [],
                fields: [(key: String, value: Value)], timestampNanos: Int64) {
        self.measurement = measurement
        self.tags = tags
        self.fields = fields
        self.timestampNanos = timestampNanos
    }

    /// Copies a borrowed line.
    public init(_ line: ParsedLine) {
        func string(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        measurement = string(line.measurement)
        tags = (0..<line.tagCount).map { let t = line.tag($0); return (string(t.key), string(t.value)) }
        fields = (0..<line.fieldCount).map {
            let f = line.field($0)
            let value: Value = switch f.value {
            case .float(let v): .float(v)
            case .integer(let v): .integer(v)
            case .unsigned(let v): .unsigned(v)
            case .boolean(let v): .boolean(v)
            case .string(let bytes): .string(string(bytes))
            }
            return (string(f.key), value)
        }
        timestampNanos = line.timestampNanos
    }

    public static func == (lhs: LineProtocolPoint, rhs: LineProtocolPoint) -> Bool {
        lhs.measurement == rhs.measurement && lhs.timestampNanos == rhs.timestampNanos
            && lhs.tags.elementsEqual(rhs.tags, by: { $0.key == $1.key && $0.value == $1.value })
            && lhs.fields.elementsEqual(rhs.fields, by: { $0.key == $1.key && $0.value == $1.value })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(measurement)
        hasher.combine(timestampNanos)
        for tag in tags { hasher.combine(tag.key); hasher.combine(tag.value) }
        for field in fields { hasher.combine(field.key); hasher.combine(field.value) }
    }
}

extension LineProtocolParser {
    /// Parses a whole body into owned points: convenient, but allocates per line.
    public mutating func parsePoints(
        _ input: [UInt8], precision: Precision = .nanoseconds, defaultTimestamp: Int64
    ) -> (points: [LineProtocolPoint], summary: ParseSummary) {
        var points: [LineProtocolPoint] = []
        let summary = parse(input, precision: precision, defaultTimestamp: defaultTimestamp) {
            points.append(LineProtocolPoint($0))
        }
        return (points, summary)
    }
}
