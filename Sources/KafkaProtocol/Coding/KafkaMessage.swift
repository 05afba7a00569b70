import NIOCore

/// A request or response body of one API: decoded and encoded at a version
/// with the flexibility the API table says that version has.
public protocol KafkaMessage: KafkaStruct {
    static var apiKey: ApiKey { get }
}

extension KafkaMessage {
    /// Decodes the body at `version`; throws when bytes are missing. Bytes
    /// left after the message are ignored, as Kafka's brokers do: librdkafka
    /// 2.x sends Metadata v12 with an extra field before the tagged fields.
    /// `strict` refuses them instead (tests).
    public static func decode(from buffer: inout ByteBuffer, version: Int16, strict: Bool = false) throws -> Self {
        let value = try decode(from: &buffer, version: version, flexible: apiKey.isFlexible(version: version))
        guard !strict || buffer.readableBytes == 0 else {
            throw KafkaProtocolError(.trailingBytes, "\(Self.self) v\(version): \(buffer.readableBytes) bytes after the message")
        }
        return value
    }

    public func encode(into buffer: inout ByteBuffer, version: Int16) throws {
        try encode(into: &buffer, version: version, flexible: Self.apiKey.isFlexible(version: version))
    }

    /// Appends the body at `version`, leaving out the bytes of `externalBytes`
    /// fields; returns where they belong in `buffer` (writer indices, in
    /// order) and how long each is. The caller sends `buffer`'s bytes up to
    /// each position, then that run's bytes, and so on.
    public func encodeLeavingOutExternalBytes(into buffer: inout ByteBuffer,
                                              version: Int16) throws -> [(position: Int, count: Int)] {
        var encoder = KafkaEncoder(buffer: buffer, version: version, flexible: Self.apiKey.isFlexible(version: version))
        buffer = ByteBuffer()
        var copy = self
        try copy.code(&encoder)
        buffer = encoder.buffer
        return encoder.externalRuns
    }
}
