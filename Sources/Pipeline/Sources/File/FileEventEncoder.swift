import PetrelCore

/// Writes a file line's log event JSON (the `LogEvent` shape: `timestamp`,
/// `message`, `source_type`, `file`, `host`, `offset`) straight into bytes.
/// The parts that do not change per line are escaped once; the message is
/// escaped byte by byte (`JSONByteEscaper`, the same output as `JSONWriter`),
/// runs of plain bytes copied with `memcpy`. This is the hot path of
/// file → topic, where `LogEvent.json()` would build a String and format the
/// timestamp for every line.
struct FileEventEncoder {
    /// `{"timestamp":"…","message":"` for the current read time.
    private var prefix: [UInt8] = []
    private(set) var timestampMillis: Int64 = 0
    /// The escaped message of the line being encoded (reused, so no allocation per line).
    private var message: [UInt8] = []

    init(timestampMicros: Int64 = 0) {
        setTime(micros: timestampMicros)
        message.reserveCapacity(1024)
    }

    /// Stamps the events that follow with `micros` (the time they were read).
    mutating func setTime(micros: Int64) {
        timestampMillis = micros / 1000
        prefix = Array("{\"timestamp\":\"\(LogEvent.rfc3339(micros: micros))\",\"message\":\"".utf8)
    }

    /// The constant tail of a file's events, up to the offset's digits.
    static func suffix(file: String, host: String) -> [UInt8] {
        var out = "\",\"source_type\":\"file\",\"file\":"
        JSONWriter.appendString(file, to: &out)
        out += ",\"host\":"
        JSONWriter.appendString(host, to: &out)
        out += ",\"offset\":"
        return Array(out.utf8)
    }

    /// Escapes `line` (without its delimiter) and returns the size of its
    /// event when it starts at `offset`; `write` then writes that event.
    mutating func prepare(_ line: UnsafeRawBufferPointer, offset: Int64, suffix: [UInt8]) -> Int {
        message.removeAll(keepingCapacity: true)
        JSONByteEscaper.append(line, to: &message)
        return prefix.count + message.count + suffix.count + Self.decimalCount(offset) + 1
    }

    /// Appends the event `prepare` measured (same `offset` and `suffix`).
    func write(offset: Int64, suffix: [UInt8], into out: inout [UInt8]) {
        out.append(contentsOf: prefix)
        out.append(contentsOf: message)
        out.append(contentsOf: suffix)
        Self.appendDecimal(offset, to: &out)
        out.append(0x7D)
    }

    /// The event for `line` that starts at `offset`, as its own byte array.
    mutating func encode(_ line: UnsafeRawBufferPointer, offset: Int64, suffix: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(prepare(line, offset: offset, suffix: suffix))
        write(offset: offset, suffix: suffix, into: &out)
        return out
    }

    /// How many characters `value` has in decimal.
    static func decimalCount(_ value: Int64) -> Int {
        var v = value.magnitude, count = value < 0 ? 2 : 1
        while v >= 10 { v /= 10; count += 1 }
        return count
    }

    @inline(__always)
    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(0x30)
            return
        }
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while v > 0 {
                buf[31 - count] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
                count += 1
            }
            if value < 0 { out.append(0x2D) }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[(32 - count)...]))
        }
    }
}
