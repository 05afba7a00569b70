import KafkaProtocol
import LogStorage
import Testing
@testable import Broker

@Suite("Broker admin, producer-id and group routing")
struct AdminHandlerTests {
    @Test("find coordinator names this broker for groups (v0 and batched v4) and refuses transactions")
    func findCoordinator() async throws {
        let f = try HandlerFixture()
        var request = FindCoordinatorRequest()
        request.key = "g"
        let v0 = try await f.call(request, version: 0, as: FindCoordinatorResponse.self)
        #expect(v0.errorCode == 0 && v0.nodeId == 1 && v0.host == "127.0.0.1")
        request.coordinatorKeys = ["a", "b"]
        let v4 = try await f.call(request, version: 4, as: FindCoordinatorResponse.self)
        #expect(v4.coordinators.map(\.key) == ["a", "b"])
        request.keyType = 1
        let txn = try await f.call(request, version: 4, as: FindCoordinatorResponse.self)
        #expect(txn.coordinators.allSatisfy { $0.errorCode == KafkaErrorCode.coordinatorNotAvailable.rawValue })
    }

    @Test("init producer id hands out distinct ids and refuses transactional ids")
    func initProducerId() async throws {
        let f = try HandlerFixture()
        let a = try await f.call(InitProducerIdRequest(), version: 4, as: InitProducerIdResponse.self)
        let b = try await f.call(InitProducerIdRequest(), version: 0, as: InitProducerIdResponse.self)
        #expect(a.errorCode == 0 && b.errorCode == 0 && a.producerId != b.producerId && a.producerId >= 0)
        var transactional = InitProducerIdRequest()
        transactional.transactionalId = "tx"
        let refused = try await f.call(transactional, version: 4, as: InitProducerIdResponse.self)
        #expect(refused.errorCode != 0)
    }

    @Test("create partitions grows a topic and refuses shrinking; alter configs replaces settings")
    func partitionsAndConfigs() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("t", config: TopicConfig(partitions: 1))
        var grow = CreatePartitionsRequest()
        var topic = CreatePartitionsRequest.Topic()
        topic.name = "t"
        topic.count = 3
        grow.topics = [topic]
        let grown = try await f.call(grow, version: 3, as: CreatePartitionsResponse.self)
        #expect(grown.results.first?.errorCode == 0)
        #expect(f.topics.topic("t")?.partitions.count == 3)
        grow.topics[0].count = 2
        let shrink = try await f.call(grow, version: 0, as: CreatePartitionsResponse.self)
        #expect(shrink.results.first?.errorCode == KafkaErrorCode.invalidPartitions.rawValue)

        var alter = AlterConfigsRequest()
        var resource = AlterConfigsRequest.Resource()
        resource.resourceType = 2
        resource.resourceName = "t"
        var setting = AlterConfigsRequest.Config()
        setting.name = "retention.ms"
        setting.value = "5000"
        resource.configs = [setting]
        alter.resources = [resource]
        let altered = try await f.call(alter, version: 2, as: AlterConfigsResponse.self)
        #expect(altered.responses.first?.errorCode == 0)
        #expect(f.topics.topic("t")?.config.retentionMs == 5000)
        alter.resources[0].configs[0].name = "no.such.setting"
        let bad = try await f.call(alter, version: 0, as: AlterConfigsResponse.self)
        #expect(bad.responses.first?.errorCode == KafkaErrorCode.invalidConfig.rawValue)
    }

    @Test("a consumer outside group management commits and fetches offsets; unknown groups describe as Dead")
    func offsetsWithoutMembership() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("t", config: TopicConfig(partitions: 2))
        var commit = KafkaOffsetCommitRequest()
        commit.groupId = "g"
        var topic = KafkaOffsetCommitRequest.Topic()
        topic.name = "t"
        var partition = KafkaOffsetCommitRequest.Partition()
        partition.partitionIndex = 1
        partition.committedOffset = 42
        topic.partitions = [partition]
        commit.topics = [topic]
        for version: Int16 in [2, 8] {
            let committed = try await f.call(commit, version: version, as: OffsetCommitResponse.self)
            #expect(committed.topics.first?.partitions.first?.errorCode == 0)
        }
        var fetch = OffsetFetchRequest()
        fetch.groupId = "g"
        var wanted = OffsetFetchRequest.Topic()
        wanted.name = "t"
        wanted.partitionIndexes = [0, 1]
        fetch.topics = [wanted]
        let v5 = try await f.call(fetch, version: 5, as: OffsetFetchResponse.self)
        #expect(v5.topics.first?.partitions.map(\.committedOffset) == [-1, 42])
        var group = OffsetFetchRequest.Group()
        group.groupId = "g"
        group.topics = nil
        fetch.groups = [group]
        let v8 = try await f.call(fetch, version: 8, as: OffsetFetchResponse.self)
        #expect(v8.groups.first?.topics.first?.partitions.first?.committedOffset == 42)

        var describe = DescribeGroupsRequest()
        describe.groups = ["nobody"]
        let described = try await f.call(describe, version: 5, as: DescribeGroupsResponse.self)
        #expect(described.groups.first?.groupState == "Dead")
    }
}
