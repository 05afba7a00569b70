import KafkaProtocol
import NIOCore
import Testing

@Suite("Kafka wire fixtures and bad input")
struct WireFixtureTests {
    /// An ApiVersions v3 request as librdkafka frames it (header v2, compact strings).
    static let apiVersionsV3: [UInt8] = [
        0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,          // key 18, version 3, correlation 1
        0x00, 0x07] + Array("rdkafka".utf8) + [0x00] +          // client id, no tagged fields
        [0x0b] + Array("librdkafka".utf8) + [0x06] + Array("2.3.0".utf8) + [0x00]

    @Test("an ApiVersions v3 request from the spec decodes header and body")
    func apiVersionsFixture() throws {
        var buffer = ByteBuffer(bytes: Self.apiVersionsV3)
        let header = try RequestHeader.decode(from: &buffer)
        #expect(header.apiKey == .apiVersions)
        #expect(header.apiVersion == 3)
        #expect(header.correlationId == 1)
        #expect(header.clientId == "rdkafka")
        let body = try ApiVersionsRequest.decode(from: &buffer, version: 3)
        #expect(body.clientSoftwareName == "librdkafka")
        #expect(body.clientSoftwareVersion == "2.3.0")
    }

    @Test("a Metadata v1 request for all topics is a null array")
    func metadataV1AllTopics() throws {
        var buffer = ByteBuffer(bytes: [0xff, 0xff, 0xff, 0xff])
        let request = try MetadataRequest.decode(from: &buffer, version: 1)
        #expect(request.topics == nil)
    }

    @Test("the ApiVersions response header stays v0 in flexible versions")
    func apiVersionsResponseHeader() throws {
        let header = RequestHeader(apiKey: .apiVersions, apiVersion: 3, correlationId: 9)
        var out = ByteBuffer()
        header.encodeResponseHeader(into: &out)
        #expect(out.readableBytes == 4)
        let metadata = RequestHeader(apiKey: .metadata, apiVersion: 9, correlationId: 9)
        var flexible = ByteBuffer()
        metadata.encodeResponseHeader(into: &flexible)
        #expect(flexible.readableBytes == 5)
    }

    @Test("truncated bodies throw an error naming the message and the field's position")
    func truncated() throws {
        var request = ProduceRequest()
        request.topicData = [ProduceRequest.TopicData(name: "topic", partitionData: [ProduceRequest.PartitionData(index: 0, records: [1, 2, 3])])]
        var full = ByteBuffer()
        try request.encode(into: &full, version: 9)
        for cut in 0..<full.readableBytes {
            var part = full.getSlice(at: 0, length: cut)!
            do {
                _ = try ProduceRequest.decode(from: &part, version: 9)
                Issue.record("decoding \(cut) of \(full.readableBytes) bytes succeeded")
            } catch let error as KafkaProtocolError {
                #expect(error.message.contains("ProduceRequest v9"))
            }
        }
    }

    @Test("random bytes never crash a decoder")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var a = ByteBuffer(bytes: bytes)
            _ = try? RequestHeader.decode(from: &a)
            for version: Int16 in [0, 4, 9, 12] {
                var b = ByteBuffer(bytes: bytes)
                _ = try? MetadataRequest.decode(from: &b, version: version)
                var c = ByteBuffer(bytes: bytes)
                _ = try? FetchRequest.decode(from: &c, version: max(4, version))
                var d = ByteBuffer(bytes: bytes)
                _ = try? ProduceRequest.decode(from: &d, version: max(3, min(9, version)))
            }
        }
    }

    @Test("a huge array count is refused before allocating")
    func hugeCount() {
        var buffer = ByteBuffer(bytes: [0x7f, 0xff, 0xff, 0xff])
        #expect(throws: KafkaProtocolError.self) { try MetadataRequest.decode(from: &buffer, version: 1) }
    }
}
