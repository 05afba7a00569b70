import KafkaProtocol
import LogStorage
import NIOCore
import PetrelCore
import Testing
@testable import Broker

/// Large Fetch answers send their records from the segment files: the
/// encoded parts around them must frame exactly what a copied answer would.
@Suite struct FetchFromFileTests {
    private func batch(_ count: Int, size: Int, tag: String) -> [UInt8] {
        recordBatch((0..<count).map { "\(tag)\($0)-" + String(repeating: "v", count: size) })
    }

    @Test("a large fetch over two partitions is sent as parts that decode like a copied response")
    func largeFetchAsParts() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("big", config: TopicConfig(partitions: 2, segmentBytes: 64 * 1024))
        for p in 0..<2 {
            let partition = try #require(f.topics.topic("big")?.partition(p))
            for i in 0..<20 { _ = try await partition.appendBatch(raw: batch(10, size: 500, tag: "p\(p)b\(i)-")) }
        }
        var request = FetchRequest()
        request.maxWaitMs = 0
        request.topics = [FetchRequest.Topic(topic: "big", partitions: [
            FetchRequest.Partition(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20),
            FetchRequest.Partition(partition: 1, fetchOffset: 35, partitionMaxBytes: 1 << 20),
        ])]
        for version: Int16 in [4, 11, 12] {
            let outcome = try await f.send(request, version: version)
            guard case .parts(let parts) = outcome else { Issue.record("expected a response in parts"); return }
            #expect(parts.parts.contains { if case .file = $0 { true } else { false } })
            var bytes = try parts.flattened()
            #expect(bytes.readableBytes == parts.byteCount)
            #expect(bytes.readInteger(as: Int32.self) == Int32(bytes.readableBytes))
            _ = bytes.readInteger(as: Int32.self)
            if version >= 12 { _ = bytes.readInteger(as: UInt8.self) }
            let response = try FetchResponse.decode(from: &bytes, version: version, strict: true)
            let partitions = try #require(response.responses.first?.partitions)
            let first = try partitions[0].records.map { try $0.withUnsafeBytes { try RecordBatch.decodeAll($0) } } ?? []
            let second = try partitions[1].records.map { try $0.withUnsafeBytes { try RecordBatch.decodeAll($0) } } ?? []
            #expect(first.map(\.offset) == Array(0..<200))
            #expect(second.first?.offset == 30 && second.last?.offset == 199)
            #expect(first.first.map { String(decoding: $0.value ?? [], as: UTF8.self).hasPrefix("p0b0-0-") } == true)
        }
    }

    @Test("a small fetch is still one copied buffer")
    func smallFetchCopied() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("small", config: TopicConfig(partitions: 1))
        _ = try await f.topics.topic("small")?.partition(0)?.appendBatch(raw: recordBatch(["a", "b"]))
        let outcome = try await f.send(fetchRequest("small", offset: 0), version: 12)
        guard case .reply = outcome else { Issue.record("expected one buffer"); return }
    }
}
