import KafkaProtocol
import NIOCore
import Testing

@Suite("IncrementalAlterConfigs (key 44) wire format")
struct IncrementalAlterConfigsTests {
    static func sampleRequest() -> IncrementalAlterConfigsRequest {
        var request = IncrementalAlterConfigsRequest()
        var resource = IncrementalAlterConfigsRequest.Resource()
        resource.resourceType = 2
        resource.resourceName = "t"
        resource.configs = [
            .init(name: "retention.ms", operation: .set, value: "1000"),
            .init(name: "segment.ms", operation: .delete, value: nil),
        ]
        request.resources = [resource]
        request.validateOnly = true
        return request
    }

    /// An INVALID_CONFIG answer for topic "t".
    static func sampleResponse(message: String) -> IncrementalAlterConfigsResponse {
        var result = AlterConfigsResponse.Result()
        result.errorCode = KafkaErrorCode.invalidConfig.rawValue
        result.errorMessage = message
        result.resourceType = 2
        result.resourceName = "t"
        var response = IncrementalAlterConfigsResponse()
        response.responses = [result]
        return response
    }

    @Test("request and response round-trip at v0 and v1 (flexible)")
    func roundTrip() throws {
        var response = Self.sampleResponse(message: "no")
        response.throttleTimeMs = 7
        for version: Int16 in [0, 1] {
            var bytes = ByteBuffer()
            try Self.sampleRequest().encode(into: &bytes, version: version)
            #expect(try IncrementalAlterConfigsRequest.decode(from: &bytes, version: version, strict: true) == Self.sampleRequest())
            var answer = ByteBuffer()
            try response.encode(into: &answer, version: version)
            #expect(try IncrementalAlterConfigsResponse.decode(from: &answer, version: version, strict: true) == response)
        }
        #expect(ApiKey.incrementalAlterConfigs.isFlexible(version: 1))
        #expect(!ApiKey.incrementalAlterConfigs.isFlexible(version: 0))
        #expect(ApiKey.incrementalAlterConfigs.supports(version: 1) && !ApiKey.incrementalAlterConfigs.supports(version: 2))
    }

    /// A v1 request as Kafka's Java admin client lays it out: compact arrays
    /// and strings (length + 1), a tagged-field byte after each struct.
    static let v1Request: [UInt8] = [
        0x02,                                              // one resource
        0x02, 0x02, 0x74,                                  // type 2 (topic), name "t"
        0x03,                                              // two configs
        0x0d] + Array("retention.ms".utf8) + [0x00, 0x05] + Array("1000".utf8) + [0x00,   // SET "1000"
        0x0b] + Array("segment.ms".utf8) + [0x01, 0x00, 0x00,                              // DELETE, null value
        0x00,                                              // resource tags
        0x01,                                              // validate only
        0x00,                                              // request tags
    ]

    /// The same request at v0: int32 array counts, int16 string lengths, -1 for null.
    static let v0Request: [UInt8] = [
        0x00, 0x00, 0x00, 0x01,
        0x02, 0x00, 0x01, 0x74,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x0c] + Array("retention.ms".utf8) + [0x00, 0x00, 0x04] + Array("1000".utf8) +
        [0x00, 0x0a] + Array("segment.ms".utf8) + [0x01, 0xff, 0xff,
        0x01,
    ]

    @Test("hand-written v0 and v1 requests decode to the same changes and re-encode byte for byte")
    func requestFixtures() throws {
        for (version, bytes) in [(Int16(0), Self.v0Request), (Int16(1), Self.v1Request)] {
            var buffer = ByteBuffer(bytes: bytes)
            let request = try IncrementalAlterConfigsRequest.decode(from: &buffer, version: version, strict: true)
            #expect(request == Self.sampleRequest(), "v\(version)")
            var encoded = ByteBuffer()
            try request.encode(into: &encoded, version: version)
            #expect(Array(encoded.readableBytesView) == bytes, "v\(version) re-encodes differently")
        }
    }

    @Test("a hand-written v1 response encodes as the Java client reads it")
    func responseFixture() throws {
        let response = Self.sampleResponse(message: "bad")
        var encoded = ByteBuffer()
        try response.encode(into: &encoded, version: 1)
        let expected: [UInt8] = [0x00, 0x00, 0x00, 0x00,           // throttle time
                                 0x02,                              // one result
                                 0x00, 0x28, 0x04] + Array("bad".utf8) + // INVALID_CONFIG, "bad"
                                [0x02, 0x02, 0x74, 0x00,            // topic "t", result tags
                                 0x00]                              // response tags
        #expect(Array(encoded.readableBytesView) == expected)
    }

    @Test("a truncated v1 request is an error naming the message, never a crash")
    func truncated() {
        for cut in 0..<Self.v1Request.count {
            var part = ByteBuffer(bytes: Self.v1Request.prefix(cut))
            #expect(throws: KafkaProtocolError.self) {
                try IncrementalAlterConfigsRequest.decode(from: &part, version: 1, strict: true)
            }
        }
    }
}
