import NIOCore

/// One description of a message's layout drives both directions: a struct's
/// `code(_:)` calls these methods field by field, in wire order, and the
/// decoder fills the fields while the encoder writes them. Writing each
/// layout once keeps encode and decode from drifting apart.
///
/// In flexible versions strings, bytes and arrays use their compact forms and
/// every struct ends with tagged fields (`tags()`).
public protocol KafkaCoder {
    /// The message version being read or written.
    var version: Int16 { get }
    /// Whether `version` is a flexible (KIP-482) version of the message.
    var flexible: Bool { get }

    mutating func int8(_ value: inout Int8) throws
    mutating func int16(_ value: inout Int16) throws
    mutating func int32(_ value: inout Int32) throws
    mutating func int64(_ value: inout Int64) throws
    mutating func bool(_ value: inout Bool) throws
    mutating func uuid(_ value: inout KafkaUUID) throws
    mutating func string(_ value: inout String) throws
    mutating func nullableString(_ value: inout String?) throws
    mutating func bytes(_ value: inout [UInt8]) throws
    mutating func nullableBytes(_ value: inout [UInt8]?) throws
    mutating func array<T: KafkaStruct>(_ value: inout [T]) throws
    mutating func nullableArray<T: KafkaStruct>(_ value: inout [T]?) throws
    /// Tagged fields at the end of a struct in flexible versions: read and
    /// skipped (none of the ones Petrel receives change its answers), written empty.
    mutating func tags() throws
    /// A `bytes` field whose `count` bytes the caller writes after the
    /// encoding (a Fetch response's records sent straight from a segment
    /// file): the encoder writes only the length prefix and notes where the
    /// bytes go. Only an encoder supports it.
    mutating func externalBytes(count: Int) throws
}

extension KafkaCoder {
    public mutating func externalBytes(count: Int) throws {
        throw KafkaProtocolError(.invalidValue, "external bytes can only be encoded")
    }
}

/// A value with a Kafka wire layout: a message, a nested struct, or an array element.
public protocol KafkaStruct: Sendable {
    init()
    mutating func code<C: KafkaCoder>(_ c: inout C) throws
}

extension KafkaStruct {
    /// Decodes one value at `version` from `buffer`, consuming its bytes.
    public static func decode(from buffer: inout ByteBuffer, version: Int16, flexible: Bool) throws -> Self {
        var decoder = KafkaDecoder(buffer: buffer, version: version, flexible: flexible, context: "\(Self.self) v\(version)")
        var value = Self()
        try value.code(&decoder)
        buffer = decoder.buffer
        return value
    }

    /// Appends the value's encoding at `version` to `buffer`.
    public func encode(into buffer: inout ByteBuffer, version: Int16, flexible: Bool) throws {
        var encoder = KafkaEncoder(buffer: buffer, version: version, flexible: flexible)
        buffer = ByteBuffer()
        var copy = self
        try copy.code(&encoder)
        buffer = encoder.buffer
    }
}

/// Array elements that are plain values (`[]int32`, `[]string`, `[]int64`).
extension Int32: KafkaStruct {
    public mutating func code<C: KafkaCoder>(_ c: inout C) throws { try c.int32(&self) }
}

extension Int64: KafkaStruct {
    public mutating func code<C: KafkaCoder>(_ c: inout C) throws { try c.int64(&self) }
}

extension String: KafkaStruct {
    public mutating func code<C: KafkaCoder>(_ c: inout C) throws { try c.string(&self) }
}

/// A Kafka UUID (topic ids): 16 bytes, all zero meaning "none".
public struct KafkaUUID: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64 = 0, low: UInt64 = 0) {
        self.high = high
        self.low = low
    }

    public static let zero = KafkaUUID()
}
