import NIOCore

/// Reads a message from a `ByteBuffer`, throwing `KafkaProtocolError` that
/// names the message, version, struct path and byte position of a bad field.
public struct KafkaDecoder: KafkaCoder {
    public internal(set) var buffer: ByteBuffer
    public let version: Int16
    public let flexible: Bool
    /// Where in the message we are, for error messages ("ProduceRequest v9 > TopicProduceData[0]").
    var context: String
    private let start: Int

    public init(buffer: ByteBuffer, version: Int16, flexible: Bool, context: String) {
        self.buffer = buffer
        self.version = version
        self.flexible = flexible
        self.context = context
        self.start = buffer.readerIndex
    }

    private func fail(_ code: KafkaProtocolError.Code, _ what: String) -> KafkaProtocolError {
        KafkaProtocolError(code, "\(context): \(what) at byte \(buffer.readerIndex - start)")
    }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ name: String) throws -> T {
        guard let value = buffer.readInteger(as: T.self) else { throw fail(.truncated, "truncated \(name)") }
        return value
    }

    public mutating func int8(_ value: inout Int8) throws { value = try integer(Int8.self, "int8") }
    public mutating func int16(_ value: inout Int16) throws { value = try integer(Int16.self, "int16") }
    public mutating func int32(_ value: inout Int32) throws { value = try integer(Int32.self, "int32") }
    public mutating func int64(_ value: inout Int64) throws { value = try integer(Int64.self, "int64") }
    public mutating func bool(_ value: inout Bool) throws { value = try integer(UInt8.self, "bool") != 0 }

    public mutating func uuid(_ value: inout KafkaUUID) throws {
        value = KafkaUUID(high: try integer(UInt64.self, "uuid"), low: try integer(UInt64.self, "uuid"))
    }

    /// An unsigned varint (compact lengths, tag numbers and sizes).
    public mutating func unsignedVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try integer(UInt8.self, "varint")
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw fail(.invalidValue, "varint longer than 10 bytes") }
        }
    }

    /// A length prefix: int16/int32 in classic versions, uvarint N+1 in compact
    /// ones; nil for null (-1 / 0). Never larger than the bytes left.
    private mutating func length(classic16: Bool, _ name: String) throws -> Int? {
        let n: Int
        if flexible {
            let raw = try unsignedVarint()
            guard raw <= UInt64(Int32.max) else { throw fail(.invalidValue, "\(name) length \(raw) too large") }
            n = Int(raw) - 1
        } else {
            n = classic16 ? Int(try integer(Int16.self, name)) : Int(try integer(Int32.self, name))
        }
        if n < 0 {
            guard n == -1 else { throw fail(.invalidValue, "negative \(name) length \(n)") }
            return nil
        }
        guard n <= buffer.readableBytes else {
            throw fail(.truncated, "\(name) of \(n) bytes/elements with \(buffer.readableBytes) bytes left")
        }
        return n
    }

    public mutating func string(_ value: inout String) throws {
        guard let s = try readString() else { throw fail(.invalidValue, "null in a non-nullable string") }
        value = s
    }

    public mutating func nullableString(_ value: inout String?) throws { value = try readString() }

    private mutating func readString() throws -> String? {
        guard let n = try length(classic16: true, "string") else { return nil }
        return buffer.readString(length: n)
    }

    public mutating func bytes(_ value: inout [UInt8]) throws {
        guard let b = try readBytes() else { throw fail(.invalidValue, "null in non-nullable bytes") }
        value = b
    }

    public mutating func nullableBytes(_ value: inout [UInt8]?) throws { value = try readBytes() }

    private mutating func readBytes() throws -> [UInt8]? {
        guard let n = try length(classic16: false, "bytes") else { return nil }
        return buffer.readBytes(length: n)
    }

    public mutating func array<T: KafkaStruct>(_ value: inout [T]) throws {
        guard let a: [T] = try readArray() else { throw fail(.invalidValue, "null in a non-nullable array of \(T.self)") }
        value = a
    }

    public mutating func nullableArray<T: KafkaStruct>(_ value: inout [T]?) throws { value = try readArray() }

    private mutating func readArray<T: KafkaStruct>() throws -> [T]? {
        guard let n = try length(classic16: false, "array") else { return nil }
        let outer = context
        defer { context = outer }
        var result: [T] = []
        result.reserveCapacity(n)
        for i in 0..<n {
            context = "\(outer) > \(T.self)[\(i)]"
            var element = T()
            try element.code(&self)
            result.append(element)
        }
        return result
    }

    public mutating func tags() throws {
        guard flexible else { return }
        let count = try unsignedVarint()
        guard count <= UInt64(buffer.readableBytes) else { throw fail(.truncated, "\(count) tagged fields") }
        for _ in 0..<count {
            _ = try unsignedVarint()
            let size = try unsignedVarint()
            guard size <= UInt64(buffer.readableBytes) else { throw fail(.truncated, "tagged field of \(size) bytes") }
            buffer.moveReaderIndex(forwardBy: Int(size))
        }
    }
}
