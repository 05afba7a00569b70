import NIOCore

/// Writes a message into a `ByteBuffer`: the mirror of `KafkaDecoder`.
public struct KafkaEncoder: KafkaCoder {
    public internal(set) var buffer: ByteBuffer
    public let version: Int16
    public let flexible: Bool
    /// Where each `externalBytes` field's bytes belong: writer indices in
    /// `buffer`, in encoding order, with their lengths.
    public internal(set) var externalRuns: [(position: Int, count: Int)] = []

    public init(buffer: ByteBuffer, version: Int16, flexible: Bool) {
        self.buffer = buffer
        self.version = version
        self.flexible = flexible
    }

    public mutating func int8(_ value: inout Int8) throws { buffer.writeInteger(value) }
    public mutating func int16(_ value: inout Int16) throws { buffer.writeInteger(value) }
    public mutating func int32(_ value: inout Int32) throws { buffer.writeInteger(value) }
    public mutating func int64(_ value: inout Int64) throws { buffer.writeInteger(value) }
    public mutating func bool(_ value: inout Bool) throws { buffer.writeInteger(UInt8(value ? 1 : 0)) }

    public mutating func uuid(_ value: inout KafkaUUID) throws {
        buffer.writeInteger(value.high)
        buffer.writeInteger(value.low)
    }

    public mutating func unsignedVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buffer.writeInteger(UInt8(v))
    }

    /// Writes a length prefix; nil writes null.
    private mutating func length(_ n: Int?, classic16: Bool) throws {
        if flexible {
            unsignedVarint(UInt64((n ?? -1) + 1))
        } else if classic16 {
            guard let n else { buffer.writeInteger(Int16(-1)); return }
            guard n <= Int(Int16.max) else {
                throw KafkaProtocolError(.invalidValue, "string of \(n) bytes is longer than an int16 length allows")
            }
            buffer.writeInteger(Int16(n))
        } else {
            buffer.writeInteger(Int32(n ?? -1))
        }
    }

    public mutating func string(_ value: inout String) throws {
        try length(value.utf8.count, classic16: true)
        buffer.writeString(value)
    }

    public mutating func nullableString(_ value: inout String?) throws {
        guard var s = value else { try length(nil, classic16: true); return }
        try string(&s)
    }

    public mutating func bytes(_ value: inout [UInt8]) throws {
        try length(value.count, classic16: false)
        buffer.writeBytes(value)
    }

    public mutating func nullableBytes(_ value: inout [UInt8]?) throws {
        guard var b = value else { try length(nil, classic16: false); return }
        try bytes(&b)
    }

    public mutating func externalBytes(count: Int) throws {
        try length(count, classic16: false)
        externalRuns.append((buffer.writerIndex, count))
    }

    public mutating func array<T: KafkaStruct>(_ value: inout [T]) throws {
        try length(value.count, classic16: false)
        for i in value.indices { try value[i].code(&self) }
    }

    public mutating func nullableArray<T: KafkaStruct>(_ value: inout [T]?) throws {
        guard var a = value else { try length(nil, classic16: false); return }
        try array(&a)
    }

    public mutating func tags() throws {
        if flexible { unsignedVarint(0) }
    }
}
