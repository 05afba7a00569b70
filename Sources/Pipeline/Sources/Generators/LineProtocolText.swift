/// Writes Influx line protocol for the generator sources: escaping of
/// measurement, tag and field names, and number formatting. (The `host` and
/// `statsd` sources have their own writer; the two can become one.)
struct LineProtocolText {
    private(set) var bytes: [UInt8] = []
    /// Lines written so far.
    private(set) var lines = 0

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    var isEmpty: Bool { lines == 0 }

    /// One line: `measurement,tags fields timestamp`. Tags with an empty
    /// key or value and non-finite fields are left out; a line with no field left is skipped.
    mutating func line(_ measurement: String, tags: [(String, String)], fields: [(String, Double)],
                       timestampNanos: Int64) {
        let kept = fields.filter { $0.1.isFinite }
        guard !kept.isEmpty else { return }
        escape(measurement, measurement: true)
        for (key, value) in tags where !key.isEmpty && !value.isEmpty {
            bytes.append(UInt8(ascii: ","))
            escape(key, measurement: false)
            bytes.append(UInt8(ascii: "="))
            escape(value, measurement: false)
        }
        for (i, (name, value)) in kept.enumerated() {
            bytes.append(i == 0 ? UInt8(ascii: " ") : UInt8(ascii: ","))
            escape(name, measurement: false)
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: Self.number(value).utf8)
        }
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: String(timestampNanos).utf8)
        bytes.append(UInt8(ascii: "\n"))
        lines += 1
    }

    /// A float field's text: integral values without a fraction.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private mutating func escape(_ text: String, measurement: Bool) {
        for b in text.utf8 {
            if b == UInt8(ascii: ",") || b == UInt8(ascii: " ") || (!measurement && b == UInt8(ascii: "=")) {
                bytes.append(UInt8(ascii: "\\"))
            }
            bytes.append(b)
        }
    }
}
