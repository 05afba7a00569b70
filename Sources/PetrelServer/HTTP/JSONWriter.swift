/// Appends JSON into a byte buffer without building an object tree first:
/// responses with thousands of series are written in one pass.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
    public mutating func raw(_ b: UInt8) { bytes.append(b) }

    /// Writes `s` as a JSON string literal with the escapes RFC 8259 requires.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `{"name":"value",...}` for a label set.
    public mutating func labels(_ labels: Labels) {
        raw(UInt8(ascii: "{"))
        for (i, label) in labels.enumerated() {
            if i > 0 { raw(UInt8(ascii: ",")) }
            string(label.name)
            raw(UInt8(ascii: ":"))
            string(label.value)
        }
        raw(UInt8(ascii: "}"))
    }

    public mutating func stringArray(_ values: [String]) {
        raw(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { raw(UInt8(ascii: ",")) }
            string(v)
        }
        raw(UInt8(ascii: "]"))
    }
}

import PetrelCore
