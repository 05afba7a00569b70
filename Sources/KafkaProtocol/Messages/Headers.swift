import NIOCore

/// The header in front of every request: v1 (non-flexible APIs) or v2
/// (flexible versions, which add tagged fields; the client id stays a
/// classic nullable string).
public struct RequestHeader: Sendable, Equatable {
    public var apiKey: ApiKey
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: ApiKey, apiVersion: Int16, correlationId: Int32, clientId: String? = nil) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// Reads the fixed part (key, version, correlation id) and, for APIs
    /// known here, the client id and tagged fields; leaves the body.
    /// For an unknown API only the fixed part is read.
    public static func decode(from buffer: inout ByteBuffer) throws -> RequestHeader {
        guard let key = buffer.readInteger(as: Int16.self), let version = buffer.readInteger(as: Int16.self),
              let correlation = buffer.readInteger(as: Int32.self) else {
            throw KafkaProtocolError(.truncated, "request header: \(buffer.readableBytes) bytes, 8 needed")
        }
        var header = RequestHeader(apiKey: ApiKey(rawValue: key), apiVersion: version, correlationId: correlation)
        guard header.apiKey.support != nil else { return header }
        var decoder = KafkaDecoder(buffer: buffer, version: version, flexible: false, context: "request header")
        try decoder.nullableString(&header.clientId)
        if header.apiKey.isFlexible(version: version) {
            var tagged = KafkaDecoder(buffer: decoder.buffer, version: version, flexible: true, context: "request header")
            try tagged.tags()
            decoder.buffer = tagged.buffer
        }
        buffer = decoder.buffer
        return header
    }

    public func encode(into buffer: inout ByteBuffer) throws {
        buffer.writeInteger(apiKey.rawValue)
        buffer.writeInteger(apiVersion)
        buffer.writeInteger(correlationId)
        var encoder = KafkaEncoder(buffer: buffer, version: apiVersion, flexible: false)
        var clientId = self.clientId
        try encoder.nullableString(&clientId)
        buffer = encoder.buffer
        if apiKey.isFlexible(version: apiVersion) {
            buffer.writeInteger(UInt8(0))
        }
    }

    /// Whether the response header has tagged fields (v1): flexible versions,
    /// except ApiVersions, whose response header is always v0 so a client can
    /// read it before it knows what the broker speaks.
    public var responseHeaderIsFlexible: Bool {
        apiKey != .apiVersions && apiKey.isFlexible(version: apiVersion)
    }

    /// Writes the response header (v0 or v1) for this request.
    public func encodeResponseHeader(into buffer: inout ByteBuffer) {
        buffer.writeInteger(correlationId)
        if responseHeaderIsFlexible { buffer.writeInteger(UInt8(0)) }
    }
}
