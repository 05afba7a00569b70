import KafkaProtocol
import NIOCore
import Testing

/// Encodes `value` at `version`, decodes it back, and re-encodes: the bytes
/// must be equal and fully consumed.
private func roundTrip<M: KafkaMessage>(_ value: M, version: Int16) throws -> M {
    var first = ByteBuffer()
    try value.encode(into: &first, version: version)
    var reading = first
    let decoded = try M.decode(from: &reading, version: version, strict: true)
    var second = ByteBuffer()
    try decoded.encode(into: &second, version: version)
    #expect(first == second, "\(M.self) v\(version) re-encodes differently")
    return decoded
}

/// Round-trips a sample at the API's lowest and highest supported version.
private func checkBothEnds<M: KafkaMessage & Equatable>(_ value: M) throws {
    let support = try #require(M.apiKey.support)
    for version in [support.minVersion, support.maxVersion] {
        _ = try roundTrip(value, version: version)
    }
}

@Suite("Kafka message codecs")
struct MessageRoundTripTests {
    @Test("ApiVersions round-trips at v0 and v3, listing every supported API")
    func apiVersions() throws {
        var request = ApiVersionsRequest()
        request.clientSoftwareName = "librdkafka"
        request.clientSoftwareVersion = "2.3.0"
        #expect(try roundTrip(request, version: 3) == request)
        let response = ApiVersionsResponse.supported()
        #expect(response.apiKeys.count == ApiKey.supported.count)
        #expect(try roundTrip(response, version: 0) == response)
        #expect(try roundTrip(response, version: 3) == response)
    }

    @Test("Metadata request and response round-trip at v0 and v12")
    func metadata() throws {
        var request = MetadataRequest()
        request.topics = [MetadataRequest.Topic(name: "a"), MetadataRequest.Topic(name: "b.c")]
        request.allowAutoTopicCreation = true
        try checkBothEnds(request)
        var response = MetadataResponse()
        response.brokers = [MetadataResponse.Broker(nodeId: 1, host: "127.0.0.1", port: 9092)]
        response.clusterId = "abc"
        response.controllerId = 1
        var topic = MetadataResponse.Topic()
        topic.name = "t"
        var partition = MetadataResponse.Partition()
        partition.partitionIndex = 2
        partition.leaderId = 1
        partition.replicaNodes = [1]
        partition.isrNodes = [1]
        topic.partitions = [partition]
        response.topics = [topic]
        let v12 = try roundTrip(response, version: 12)
        #expect(v12.topics[0].partitions[0].partitionIndex == 2)
        #expect(v12.clusterId == "abc")
        let v0 = try roundTrip(response, version: 0)
        #expect(v0.clusterId == nil, "v0 has no cluster id")
        #expect(v0.topics[0].name == "t")
    }

    @Test("Produce keeps record bytes as they are at v3 and v9")
    func produce() throws {
        var request = ProduceRequest()
        request.acks = -1
        request.topicData = [ProduceRequest.TopicData(name: "t", partitionData: [
            ProduceRequest.PartitionData(index: 0, records: Array(0..<200).map { UInt8($0) }),
            ProduceRequest.PartitionData(index: 1, records: nil),
        ])]
        for version: Int16 in [3, 9] { #expect(try roundTrip(request, version: version) == request) }
        var response = ProduceResponse()
        var partition = ProduceResponse.PartitionResponse()
        partition.index = 1
        partition.baseOffset = 42
        partition.logStartOffset = 0
        var topic = ProduceResponse.TopicResponse()
        topic.name = "t"
        topic.partitionResponses = [partition]
        response.responses = [topic]
        #expect(try roundTrip(response, version: 9) == response)
        #expect(try roundTrip(response, version: 3).responses[0].partitionResponses[0].baseOffset == 42)
    }

    @Test("Fetch round-trips at v4 and v12")
    func fetch() throws {
        var request = FetchRequest()
        request.maxWaitMs = 100
        request.topics = [FetchRequest.Topic(topic: "t", partitions: [FetchRequest.Partition(partition: 0, fetchOffset: 7, partitionMaxBytes: 1 << 20)])]
        try checkBothEnds(request)
        var response = FetchResponse()
        var topic = FetchResponse.Topic()
        topic.topic = "t"
        var partition = FetchResponse.Partition()
        partition.highWatermark = 10
        partition.lastStableOffset = 10
        partition.logStartOffset = 0
        partition.records = [1, 2, 3]
        topic.partitions = [partition]
        response.responses = [topic]
        #expect(try roundTrip(response, version: 12) == response)
        #expect(try roundTrip(response, version: 4).responses[0].partitions[0].records == [1, 2, 3])
    }

    @Test("every other API round-trips at its lowest and highest version")
    func others() throws {
        var listOffsets = ListOffsetsRequest()
        listOffsets.topics = [ListOffsetsRequest.Topic(name: "t", partitions: [ListOffsetsRequest.Partition(partitionIndex: 0, timestamp: -2)])]
        try checkBothEnds(listOffsets)
        var listOffsetsResponse = ListOffsetsResponse()
        var lo = ListOffsetsResponse.Topic()
        lo.name = "t"
        lo.partitions = [ListOffsetsResponse.Partition()]
        listOffsetsResponse.topics = [lo]
        try checkBothEnds(listOffsetsResponse)

        var create = CreateTopicsRequest()
        create.topics = [CreateTopicsRequest.Topic(name: "t", numPartitions: 3, replicationFactor: 1,
                                                   configs: [CreateTopicsRequest.Config(name: "retention.ms", value: "1000")])]
        try checkBothEnds(create)
        var createResponse = CreateTopicsResponse()
        var created = CreateTopicsResponse.Topic()
        created.name = "t"
        created.errorMessage = "x"
        createResponse.topics = [created]
        try checkBothEnds(createResponse)

        var delete = DeleteTopicsRequest()
        delete.topicNames = ["a"]
        _ = try roundTrip(delete, version: 1)
        var deleteV6 = DeleteTopicsRequest()
        var named = DeleteTopicsRequest.Topic()
        named.name = "a"
        deleteV6.topics = [named]
        #expect(try roundTrip(deleteV6, version: 6).allNames == ["a"])
        var deleteResponse = DeleteTopicsResponse()
        deleteResponse.responses = [DeleteTopicsResponse.Result()]
        try checkBothEnds(deleteResponse)

        var describe = DescribeConfigsRequest()
        describe.resources = [DescribeConfigsRequest.Resource(resourceType: 2, resourceName: "t")]
        try checkBothEnds(describe)
        var describeResponse = DescribeConfigsResponse()
        var result = DescribeConfigsResponse.Result()
        var config = DescribeConfigsResponse.Config()
        config.name = "retention.ms"
        config.value = "1"
        result.configs = [config]
        describeResponse.results = [result]
        try checkBothEnds(describeResponse)

        try checkBothEnds(AlterConfigsRequest())
        try checkBothEnds(AlterConfigsResponse())
        try checkBothEnds(CreatePartitionsRequest())
        try checkBothEnds(CreatePartitionsResponse())
        try checkBothEnds(InitProducerIdRequest())
        try checkBothEnds(InitProducerIdResponse())
        var find = FindCoordinatorRequest()
        find.key = "g"
        _ = try roundTrip(find, version: 0)
        find.coordinatorKeys = ["g"]
        #expect(try roundTrip(find, version: 4).allKeys == ["g"])
        var findResponse = FindCoordinatorResponse()
        findResponse.coordinators = [FindCoordinatorResponse.Coordinator()]
        try checkBothEnds(findResponse)

        var join = KafkaJoinGroupRequest()
        join.groupId = "g"
        var proto = KafkaJoinGroupRequest.GroupProtocol()
        proto.name = "range"
        proto.metadata = [0, 1]
        join.protocols = [proto]
        try checkBothEnds(join)
        var joinResponse = JoinGroupResponse()
        joinResponse.members = [JoinGroupResponse.Member()]
        try checkBothEnds(joinResponse)
        try checkBothEnds(KafkaSyncGroupRequest())
        try checkBothEnds(SyncGroupResponse())
        try checkBothEnds(HeartbeatRequest())
        try checkBothEnds(HeartbeatResponse())
        var leave = LeaveGroupRequest()
        leave.members = [LeaveGroupRequest.Member()]
        try checkBothEnds(leave)
        try checkBothEnds(LeaveGroupResponse())
        var commit = KafkaOffsetCommitRequest()
        var commitTopic = KafkaOffsetCommitRequest.Topic()
        commitTopic.partitions = [KafkaOffsetCommitRequest.Partition()]
        commit.topics = [commitTopic]
        try checkBothEnds(commit)
        try checkBothEnds(OffsetCommitResponse())
        var offsetFetch = OffsetFetchRequest()
        offsetFetch.groupId = "g"
        offsetFetch.groups = [OffsetFetchRequest.Group()]
        try checkBothEnds(offsetFetch)
        try checkBothEnds(OffsetFetchResponse())
        var describeGroups = DescribeGroupsRequest()
        describeGroups.groups = ["g"]
        try checkBothEnds(describeGroups)
        var describeGroupsResponse = DescribeGroupsResponse()
        describeGroupsResponse.groups = [DescribeGroupsResponse.Group()]
        try checkBothEnds(describeGroupsResponse)
        try checkBothEnds(ListGroupsRequest())
        try checkBothEnds(ListGroupsResponse())
        var deleteGroups = DeleteGroupsRequest()
        deleteGroups.groupsNames = ["g"]
        try checkBothEnds(deleteGroups)
        try checkBothEnds(DeleteGroupsResponse())
    }
}
