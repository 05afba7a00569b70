/// Reads the protobuf wire format field by field: just enough for remote
/// write's messages, so Petrel needs no protobuf library. Unknown fields are
/// skipped, as protobuf requires.
struct ProtobufReader {
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    struct Failure: Error {
        var message: String
        var offset: Int
    }

    let bytes: UnsafeRawBufferPointer
    /// Where this message starts in the whole body, for error offsets.
    let base: Int
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer, base: Int = 0) {
        self.bytes = bytes
        self.base = base
    }

    var isAtEnd: Bool { position >= bytes.count }

    /// The next field's number and wire type.
    mutating func fieldHeader() throws(Failure) -> (field: UInt64, wire: WireType) {
        let start = position
        let key = try varint()
        guard let wire = WireType(rawValue: UInt8(key & 7)) else {
            throw Failure(message: "unsupported wire type \(key & 7)", offset: base + start)
        }
        guard key >> 3 != 0 else { throw Failure(message: "field number 0", offset: base + start) }
        return (key >> 3, wire)
    }

    mutating func varint() throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count {
            let b = bytes[position]
            position += 1
            guard shift < 64 else { break }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
        throw Failure(message: "truncated or overlong varint", offset: base + position)
    }

    mutating func fixed64() throws(Failure) -> UInt64 {
        guard bytes.count - position >= 8 else { throw Failure(message: "truncated fixed64", offset: base + position) }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
        position += 8
        return v
    }

    /// The bytes of a length-delimited field, as a reader of their own.
    mutating func message() throws(Failure) -> ProtobufReader {
        let start = position
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else {
            throw Failure(message: "length \(length) runs past the end of the message", offset: base + start)
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
        let reader = ProtobufReader(slice, base: base + position)
        position += Int(length)
        return reader
    }

    mutating func string() throws(Failure) -> String {
        let start = base + position
        let inner = try message()
        guard let text = String(validating: inner.bytes, as: UTF8.self) else {
            throw Failure(message: "invalid UTF-8 in string", offset: start)
        }
        return text
    }

    /// Skips a field of `wire` type that the decoder does not read.
    mutating func skip(_ wire: WireType) throws(Failure) {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .lengthDelimited: _ = try message()
        case .fixed32:
            guard bytes.count - position >= 4 else { throw Failure(message: "truncated fixed32", offset: base + position) }
            position += 4
        }
    }
}

/// Appends protobuf fields to a buffer (the encoder side, for senders and tests).
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func header(_ field: UInt64, _ wire: ProtobufReader.WireType) { varint(field << 3 | UInt64(wire.rawValue)) }

    mutating func lengthDelimited(_ field: UInt64, _ payload: [UInt8]) {
        header(field, .lengthDelimited)
        varint(UInt64(payload.count))
        bytes += payload
    }

    mutating func fixed64(_ field: UInt64, _ value: UInt64) {
        header(field, .fixed64)
        for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }
}
