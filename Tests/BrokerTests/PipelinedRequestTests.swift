import KafkaProtocol
import LogStorage
import NIOCore
import PetrelCore
import Testing
@testable import Broker

/// A connection's requests overlap: Produce appends before the next request
/// is read and waits for durability afterwards; ListOffsets -3.
@Suite struct PipelinedRequestTests {
    private func frame<Request: KafkaMessage>(_ request: Request, version: Int16, correlation: Int32) throws -> ByteBuffer {
        var frame = ByteBuffer()
        try RequestHeader(apiKey: Request.apiKey, apiVersion: version, correlationId: correlation, clientId: "t").encode(into: &frame)
        try request.encode(into: &frame, version: version)
        return frame
    }

    @Test("pipelined produce requests are appended in request order before any of them is answered")
    func produceAppendsInOrder() async throws {
        let f = try HandlerFixture()
        var pending: [RequestHandler.Pending] = []
        for i in 0..<3 {
            let request = produceRequest("t", recordBatch(["m\(i)"]))
            pending.append(await f.broker.handler.start(try frame(request, version: 9, correlation: Int32(i)), peer: "t"))
        }
        #expect(f.topics.topic("t")?.partition(0)?.logEndOffset == 3)
        for (i, answer) in pending.enumerated() {
            guard case .reply(var bytes) = await answer.outcome else { Issue.record("no reply"); return }
            _ = bytes.readInteger(as: Int32.self)
            #expect(bytes.readInteger(as: Int32.self) == Int32(i))
            _ = bytes.readInteger(as: UInt8.self)
            let response = try ProduceResponse.decode(from: &bytes, version: 9)
            #expect(response.responses.first?.partitionResponses.first?.baseOffset == Int64(i))
        }
        let records = try f.topics.topic("t")!.partition(0)!.read(from: 0, maxBytes: 1 << 20)
        #expect(records.map { String(decoding: $0.value ?? [], as: UTF8.self) } == ["m0", "m1", "m2"])
    }

    @Test("a fetch long-poll is answered by a produce sent after it on the same connection")
    func fetchDoesNotBlockLaterProduce() async throws {
        let f = try HandlerFixture()
        _ = try await f.call(produceRequest("t", recordBatch(["first"])), version: 9, as: ProduceResponse.self)
        let started = ContinuousClock.now
        // The longest maxWait the broker allows (30 s) and a guard well under it: only the produce can
        // answer this fetch in time, with room for a loaded machine to stall for several seconds.
        let poll = await f.broker.handler.start(try frame(fetchRequest("t", offset: 1, maxWaitMs: 30_000), version: 12,
                                                          correlation: 100), peer: "t")
        let produce = await f.broker.handler.start(try frame(produceRequest("t", recordBatch(["second"])), version: 9,
                                                             correlation: 101), peer: "t")
        guard case .reply(var bytes) = await poll.outcome else { Issue.record("no fetch reply"); return }
        #expect(ContinuousClock.now - started < .seconds(20))
        bytes.moveReaderIndex(forwardBy: 9)
        let response = try FetchResponse.decode(from: &bytes, version: 12)
        let records = try RecordBatch.decode(response.responses.first?.partitions.first?.records ?? [])
        #expect(records.map(\.offset) == [1])
        guard case .reply = await produce.outcome else { Issue.record("no produce reply"); return }
    }

    @Test("list offsets -3 answers the earliest record with the largest timestamp")
    func listOffsetsMaxTimestamp() async throws {
        let f = try HandlerFixture()
        var batch: [UInt8] = []
        RecordBatch.encode([100, 700, 300, 700].map { Record(timestamp: $0, key: nil, value: [1]) }, baseOffset: 0, into: &batch)
        _ = try await f.call(produceRequest("t", batch), version: 9, as: ProduceResponse.self)
        var request = ListOffsetsRequest()
        request.topics = [ListOffsetsRequest.Topic(name: "t", partitions: [
            ListOffsetsRequest.Partition(partitionIndex: 0, timestamp: ListOffsetsRequest.maxTimestamp),
        ])]
        let response = try await f.call(request, version: 7, as: ListOffsetsResponse.self)
        let partition = response.topics.first?.partitions.first
        #expect(partition?.errorCode == 0)
        #expect(partition?.offset == 1)
        #expect(partition?.timestamp == 700)

        // A produce without records still auto-creates the topic.
        _ = try await f.call(produceRequest("empty", nil), version: 9, as: ProduceResponse.self)
        request.topics[0].name = "empty"
        let empty = try await f.call(request, version: 7, as: ListOffsetsResponse.self)
        #expect(empty.topics.first?.partitions.first?.offset == -1)
    }
}
