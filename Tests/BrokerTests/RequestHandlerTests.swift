import KafkaProtocol
import LogStorage
import NIOCore
import PetrelCore
import Testing
@testable import Broker

@Suite("Broker request handling")
struct RequestHandlerTests {
    @Test("ApiVersions above v4 is answered in v0 form with error 35 and the ranges")
    func apiVersionsTooNew() async throws {
        let f = try HandlerFixture()
        var frame = ByteBuffer()
        frame.writeInteger(Int16(18)); frame.writeInteger(Int16(5)); frame.writeInteger(Int32(7))
        frame.writeInteger(Int16(-1)); frame.writeBytes([0, 0, 0, 0])
        guard case .reply(var bytes) = await f.broker.handler.respond(to: frame, peer: "t") else {
            Issue.record("no reply"); return
        }
        _ = bytes.readInteger(as: Int32.self)
        #expect(bytes.readInteger(as: Int32.self) == 7)
        let response = try ApiVersionsResponse.decode(from: &bytes, version: 0)
        #expect(response.errorCode == 35)
        #expect(response.apiKeys.contains { $0.apiKey == 1 && $0.maxVersion == 12 })
    }

    @Test("unknown API keys and unsupported versions close the connection")
    func unknownApi() async throws {
        let f = try HandlerFixture()
        var frame = ByteBuffer()
        frame.writeInteger(Int16(500)); frame.writeInteger(Int16(0)); frame.writeInteger(Int32(1))
        guard case .close = await f.broker.handler.respond(to: frame, peer: "t") else { Issue.record("expected close"); return }
        guard case .close = try await f.send(MetadataRequest(), version: 13) else { Issue.record("expected close"); return }
    }

    @Test("metadata auto-creates a requested topic and lists one broker leading it")
    func metadataAutoCreate() async throws {
        let f = try HandlerFixture(config: BrokerConfig(port: 0, defaultPartitions: 3))
        var request = MetadataRequest()
        request.topics = [MetadataRequest.Topic(name: "auto")]
        for version: Int16 in [0, 9, 12] {
            let response = try await f.call(request, version: version, as: MetadataResponse.self)
            #expect(response.brokers.map(\.nodeId) == [1])
            #expect(response.topics.first?.errorCode == 0)
            #expect(response.topics.first?.partitions.count == 3)
            #expect(response.topics.first?.partitions.first?.isrNodes == [1])
        }
        request.topics = [MetadataRequest.Topic(name: "bad/name")]
        let bad = try await f.call(request, version: 9, as: MetadataResponse.self)
        #expect(bad.topics.first?.errorCode == KafkaErrorCode.invalidTopicException.rawValue)
    }

    @Test("produced batches come back from fetch byte for byte with offsets assigned")
    func produceFetch() async throws {
        let f = try HandlerFixture()
        for version: Int16 in [3, 9] {
            let response = try await f.call(produceRequest("t", recordBatch(["a", "b", "c"])), version: version, as: ProduceResponse.self)
            #expect(response.responses.first?.partitionResponses.first?.errorCode == 0)
        }
        let fetched = try await f.call(fetchRequest("t", offset: 3), version: 12, as: FetchResponse.self)
        let partition = try #require(fetched.responses.first?.partitions.first)
        #expect(partition.highWatermark == 6)
        let records = try RecordBatch.decode(partition.records ?? [])
        #expect(records.map(\.offset) == [3, 4, 5])
        #expect(records.map { String(decoding: $0.value ?? [], as: UTF8.self) } == ["a", "b", "c"])
        let v4 = try await f.call(fetchRequest("t", offset: 0), version: 4, as: FetchResponse.self)
        #expect(v4.responses.first?.partitions.first?.records?.count == 2 * recordBatch(["a", "b", "c"]).count)
    }

    @Test("produce errors: unknown partition, corrupt batch, too large, bad acks; acks=0 gets no reply")
    func produceErrors() async throws {
        let f = try HandlerFixture(config: BrokerConfig(port: 0, messageMaxBytes: 2048))
        func code(_ request: ProduceRequest) async throws -> Int16? {
            try await f.call(request, version: 9, as: ProduceResponse.self).responses.first?.partitionResponses.first?.errorCode
        }
        #expect(try await code(produceRequest("t", partition: 5, recordBatch(["a"]))) == 3)
        var corrupt = recordBatch(["a"])
        corrupt[corrupt.count - 1] ^= 0xff
        #expect(try await code(produceRequest("t", corrupt)) == 2)
        #expect(try await code(produceRequest("t", recordBatch([String(repeating: "x", count: 4000)]))) == 10)
        #expect(try await code(produceRequest("t", recordBatch(["a"]), acks: 2)) == 21)
        guard case .noReply = try await f.send(produceRequest("t", recordBatch(["z"]), acks: 0), version: 9) else {
            Issue.record("acks=0 must not be answered"); return
        }
        #expect(f.topics.topic("t")?.partition(0)?.logEndOffset == 1)
    }

    @Test("fetch past the end is OFFSET_OUT_OF_RANGE; at the end it long-polls until data arrives")
    func fetchLongPoll() async throws {
        let f = try HandlerFixture()
        _ = try await f.call(produceRequest("t", recordBatch(["a"])), version: 9, as: ProduceResponse.self)
        let out = try await f.call(fetchRequest("t", offset: 5), version: 12, as: FetchResponse.self)
        #expect(out.responses.first?.partitions.first?.errorCode == 1)
        let started = ContinuousClock.now
        let empty = try await f.call(fetchRequest("t", offset: 1, maxWaitMs: 200), version: 12, as: FetchResponse.self)
        #expect(empty.responses.first?.partitions.first?.records?.isEmpty == true)
        #expect(ContinuousClock.now - started >= .milliseconds(150))
        let partition = try #require(f.topics.topic("t")?.partition(0))
        let handler = f.broker.handler
        // The longest maxWait the broker allows (30 s) and a guard well under it: only the append can
        // end this long-poll in time, with room for a loaded machine to stall for several seconds.
        async let waited = handler.fetch(fetchRequest("t", offset: 1, maxWaitMs: 30_000))
        try await Task.sleep(for: .milliseconds(100))
        _ = try await partition.appendBatch(raw: recordBatch(["late"]))
        let read = await waited
        #expect(ContinuousClock.now - started < .seconds(20))
        let records = try RecordBatch.decode(read.slices.first?.first?.read() ?? [])
        #expect(records.first?.offset == 1)
    }

    @Test("fetch returns a whole first batch even when it is larger than max bytes")
    func fetchOversizedBatch() async throws {
        let f = try HandlerFixture()
        let big = recordBatch([String(repeating: "y", count: 5000)])
        _ = try await f.call(produceRequest("t", big), version: 9, as: ProduceResponse.self)
        _ = try await f.call(produceRequest("t", recordBatch(["small"])), version: 9, as: ProduceResponse.self)
        let response = try await f.call(fetchRequest("t", offset: 0, maxBytes: 100), version: 12, as: FetchResponse.self)
        #expect(response.responses.first?.partitions.first?.records == big)
    }

    @Test("list offsets answers earliest, latest and by timestamp")
    func listOffsets() async throws {
        let f = try HandlerFixture()
        _ = try await f.call(produceRequest("t", recordBatch(["a", "b"])), version: 9, as: ProduceResponse.self)
        var request = ListOffsetsRequest()
        request.topics = [ListOffsetsRequest.Topic(name: "t", partitions: [
            ListOffsetsRequest.Partition(partitionIndex: 0, timestamp: -2),
        ])]
        for (timestamp, expected) in [(Int64(-2), Int64(0)), (-1, 2), (1_700_000_000_000, 0), (1_800_000_000_000, -1)] {
            request.topics[0].partitions[0].timestamp = timestamp
            for version: Int16 in [1, 7] {
                let response = try await f.call(request, version: version, as: ListOffsetsResponse.self)
                #expect(response.topics.first?.partitions.first?.offset == expected, "timestamp \(timestamp) v\(version)")
            }
        }
    }

    @Test("create topics validates partitions, replication and configs; describe shows them")
    func createDescribeDelete() async throws {
        let f = try HandlerFixture()
        var create = CreateTopicsRequest()
        create.topics = [
            CreateTopicsRequest.Topic(name: "good", numPartitions: 2, configs: [CreateTopicsRequest.Config(name: "retention.ms", value: "60000")]),
            CreateTopicsRequest.Topic(name: "rf3", numPartitions: 1, replicationFactor: 3),
            CreateTopicsRequest.Topic(name: "badcfg", numPartitions: 1, configs: [CreateTopicsRequest.Config(name: "no.such", value: "1")]),
            CreateTopicsRequest.Topic(name: "zero", numPartitions: 0),
        ]
        let created = try await f.call(create, version: 7, as: CreateTopicsResponse.self)
        #expect(created.topics.map(\.errorCode) == [0, 38, 40, 37])
        #expect(f.topics.topic("good")?.config.retentionMs == 60000)
        let again = try await f.call(create, version: 2, as: CreateTopicsResponse.self)
        #expect(again.topics.first?.errorCode == 36)

        var describe = DescribeConfigsRequest()
        describe.resources = [DescribeConfigsRequest.Resource(resourceType: 2, resourceName: "good"),
                              DescribeConfigsRequest.Resource(resourceType: 4, resourceName: "1")]
        let described = try await f.call(describe, version: 4, as: DescribeConfigsResponse.self)
        let retention = described.results.first?.configs.first { $0.name == "retention.ms" }
        #expect(retention?.value == "60000")
        #expect(retention?.configSource == DescribeConfigsResponse.sourceDynamicTopic)
        #expect(described.results.last?.configs.contains { $0.name == "message.max.bytes" } == true)

        var delete = DeleteTopicsRequest()
        delete.topicNames = ["good", "missing"]
        let deleted = try await f.call(delete, version: 5, as: DeleteTopicsResponse.self)
        #expect(deleted.responses.map(\.errorCode) == [0, 3])
        #expect(f.topics.topic("good") == nil)
    }
}
