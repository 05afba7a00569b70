/// Escapes raw bytes as the inside of a JSON string, byte by byte, with the
/// same output as `JSONWriter.appendString(String(decoding: bytes, as: UTF8.self))`:
/// `"` `\` and control characters escaped, `<` `>` `&` and U+2028/U+2029 as
/// `\uXXXX` (Prometheus' HTML-safe style), and every ill-formed UTF-8
/// sequence replaced by one U+FFFD per maximal subpart, as Swift's decoder
/// does. Unlike that String round trip it allocates nothing and copies
/// runs of plain bytes with one `memcpy` each; file lines are mostly plain.
enum JSONByteEscaper {
    /// 1 for bytes that cannot be copied as they are: ASCII that JSON or the
    /// HTML-safe style escapes, and every byte of a multi-byte sequence.
    private static let special: [UInt8] = (0..<256).map { b in
        b < 0x20 || b >= 0x80 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26 ? 1 : 0
    }
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Appends `bytes`, escaped, to `out` (without surrounding quotes).
    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = bytes.count
        special.withUnsafeBufferPointer { table in
            var i = 0
            var run = 0
            while i < count {
                let byte = base[i]
                if table[Int(byte)] == 0 {
                    i += 1
                    continue
                }
                if run < i { out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: i - run)) }
                if byte < 0x80 {
                    appendEscape(byte, to: &out)
                    i += 1
                } else {
                    i = appendMultiByte(base, at: i, count: count, to: &out)
                }
                run = i
            }
            if run < count { out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: count - run)) }
        }
    }

    /// The escape of one ASCII byte that needs one.
    @inline(__always)
    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        default: appendUnicodeEscape(UInt32(byte), to: &out)
        }
    }

    /// `\u` and four lowercase hex digits.
    private static func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(0x75)
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }

    /// Copies the UTF-8 sequence at `i` (U+2028/U+2029 escaped), or writes one
    /// U+FFFD for its longest ill-formed start; returns where the next byte is.
    private static func appendMultiByte(_ base: UnsafePointer<UInt8>, at i: Int, count: Int, to out: inout [UInt8]) -> Int {
        let lead = base[i]
        var need = 0
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED: need = 2; high = 0x9F
        case 0xF0: need = 3; low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; high = 0x8F
        default:
            out.append(contentsOf: replacement)
            return i + 1
        }
        var j = i + 1
        var got = 0
        while got < need, j < count {
            let byte = base[j]
            guard byte >= low && byte <= high else { break }
            low = 0x80
            high = 0xBF
            j += 1
            got += 1
        }
        guard got == need else {
            out.append(contentsOf: replacement)
            return j
        }
        if lead == 0xE2 && base[i + 1] == 0x80 && (base[i + 2] == 0xA8 || base[i + 2] == 0xA9) {
            appendUnicodeEscape(base[i + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
        } else {
            out.append(contentsOf: UnsafeBufferPointer(start: base + i, count: j - i))
        }
        return j
    }
}
