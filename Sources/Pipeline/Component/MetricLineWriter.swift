/// Builds a batch of Influx line protocol, escaping names as the format
/// requires: the one record a metric source sends per interval or flush.
/// Used by every metric source (host, statsd, the generators).
struct MetricLineWriter {
    private(set) var bytes: [UInt8] = []
    /// Lines written so far.
    private(set) var lines = 0
    private var fieldCount = 0

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    /// Starts a line: `measurement,tag=value,...` (tags with an empty key or
    /// value are left out, as InfluxDB does). Tags should be sorted by key.
    mutating func begin(_ measurement: String, tags: [(String, String)]) {
        appendEscaped(measurement, measurement: true)
        for (key, value) in tags where !key.isEmpty && !value.isEmpty {
            bytes.append(UInt8(ascii: ","))
            appendEscaped(key, measurement: false)
            bytes.append(UInt8(ascii: "="))
            appendEscaped(value, measurement: false)
        }
        fieldCount = 0
    }

    var isEmpty: Bool { lines == 0 }

    /// One whole line of float fields: `measurement,tags fields timestamp`.
    mutating func line(_ measurement: String, tags: [(String, String)], fields: [(String, Double)],
                       timestampNanos: Int64) {
        begin(measurement, tags: tags)
        for (name, value) in fields { field(name, value) }
        end(timestampNanos: timestampNanos)
    }

    /// Starts a line with an already escaped `measurement,tags` prefix.
    mutating func begin(prefix: [UInt8]) {
        bytes.append(contentsOf: prefix)
        fieldCount = 0
    }

    /// A float field; NaN and infinities are left out (line protocol has no spelling for them).
    mutating func field(_ name: String, _ value: Double) {
        guard value.isFinite else { return }
        fieldName(name)
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// An integer field (`42i`).
    mutating func field(_ name: String, _ value: Int64) {
        fieldName(name)
        bytes.append(contentsOf: String(value).utf8)
        bytes.append(UInt8(ascii: "i"))
    }

    /// Ends the line with its timestamp (ns). A line without fields is dropped.
    mutating func end(timestampNanos: Int64) {
        guard fieldCount > 0 else {
            if let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                bytes.removeSubrange((lastNewline + 1)...)
            } else {
                bytes.removeAll(keepingCapacity: true)
            }
            return
        }
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: String(timestampNanos).utf8)
        bytes.append(UInt8(ascii: "\n"))
        lines += 1
    }

    private mutating func fieldName(_ name: String) {
        bytes.append(fieldCount == 0 ? UInt8(ascii: " ") : UInt8(ascii: ","))
        appendEscaped(name, measurement: false)
        bytes.append(UInt8(ascii: "="))
        fieldCount += 1
    }

    private mutating func appendEscaped(_ text: String, measurement: Bool) {
        Self.appendEscaped(text.utf8, to: &bytes, measurement: measurement)
    }

    /// Appends `text` with line protocol's backslash escapes: `,` and space
    /// always, `=` in tag keys, values and field names. Newlines become spaces.
    static func appendEscaped<C: Collection<UInt8>>(_ text: C, to out: inout [UInt8], measurement: Bool) {
        for c in text {
            switch c {
            case UInt8(ascii: ","), UInt8(ascii: " "):
                out.append(UInt8(ascii: "\\"))
                out.append(c)
            case UInt8(ascii: "=") where !measurement:
                out.append(UInt8(ascii: "\\"))
                out.append(c)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                out.append(UInt8(ascii: "_"))
            default:
                out.append(c)
            }
        }
    }
}
