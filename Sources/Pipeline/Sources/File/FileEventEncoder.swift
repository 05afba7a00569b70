import PetrelCore

/// Writes a file line's log event JSON (the `LogEvent` shape: `timestamp`,
/// `message`, `source_type`, `file`, `host`, `offset`) straight into bytes.
/// The parts that do not change per line are escaped once; a message that
/// is plain ASCII with nothing to escape is copied with one `memcpy`, the
/// rest go through `JSONWriter` (invalid UTF-8 becomes U+FFFD). This is the
/// hot path of file → topic, where `LogEvent.json()` would build a String
/// and format the timestamp for every line.
struct FileEventEncoder {
    /// `{"timestamp":"…","message":"` for the current read time.
    private var prefix: [UInt8] = []
    private(set) var timestampMillis: Int64 = 0

    /// Bytes that JSON or Petrel's HTML-safe escaping changes, and every non-ASCII byte.
    private static let special: [Bool] = (0..<256).map { b in
        b < 0x20 || b >= 0x80 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26
    }

    init(timestampMicros: Int64 = 0) { setTime(micros: timestampMicros) }

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

    /// The event for `line` (without its delimiter) that starts at `offset`.
    func encode(_ line: UnsafeRawBufferPointer, offset: Int64, suffix: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(prefix.count + line.count + suffix.count + 24)
        out.append(contentsOf: prefix)
        var plain = true
        let table = Self.special
        for byte in line where table[Int(byte)] {
            plain = false
            break
        }
        if plain {
            // Typed, so the append is one memcpy rather than a byte-by-byte copy.
            out.append(contentsOf: UnsafeBufferPointer(start: line.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                                       count: line.count))
        } else {
            var escaped = ""
            JSONWriter.appendString(String(decoding: line, as: UTF8.self), to: &escaped)
            // appendString wrote the surrounding quotes; the prefix and suffix carry ours.
            var utf8 = escaped.utf8[...]
            utf8 = utf8.dropFirst().dropLast()
            out.append(contentsOf: utf8)
        }
        out.append(contentsOf: suffix)
        Self.appendDecimal(offset, to: &out)
        out.append(0x7D)
        return out
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
