import KafkaProtocol
import LogStorage
import Testing
@testable import Broker

@Suite("IncrementalAlterConfigs handler")
struct IncrementalAlterConfigsHandlerTests {
    static func request(_ topic: String, type: Int8 = 2, validateOnly: Bool = false,
                        _ configs: [IncrementalAlterConfigsRequest.Config]) -> IncrementalAlterConfigsRequest {
        var request = IncrementalAlterConfigsRequest()
        var resource = IncrementalAlterConfigsRequest.Resource()
        resource.resourceType = type
        resource.resourceName = topic
        resource.configs = configs
        request.resources = [resource]
        request.validateOnly = validateOnly
        return request
    }

    func code(_ f: HandlerFixture, _ request: IncrementalAlterConfigsRequest, version: Int16 = 1) async throws -> Int16? {
        let response = try await f.call(request, version: version, as: IncrementalAlterConfigsResponse.self)
        #expect(response.responses.map(\.resourceName) == request.resources.map(\.resourceName))
        return response.responses.first?.errorCode
    }

    @Test("SET changes one setting and keeps the others; DELETE restores the default (v0 and v1)")
    func setAndDelete() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("t", config: TopicConfig(partitions: 2, segmentBytes: 1 << 20))
        let defaults = try #require(f.topics.topic("t")?.config)
        #expect(try await code(f, Self.request("t", [.init(name: "retention.ms", operation: .set, value: "7200000")]), version: 0) == 0)
        var config = try #require(f.topics.topic("t")?.config)
        #expect(config.retentionMs == 7_200_000)
        #expect(config.segmentBytes == 1 << 20, "AlterConfigs would have reset it; the incremental form keeps it")
        #expect(config.partitions == 2)
        #expect(try await code(f, Self.request("t", [.init(name: "retention.ms", operation: .delete, value: nil),
                                                        .init(name: "min.insync.replicas", operation: .set, value: "1")])) == 0)
        config = try #require(f.topics.topic("t")?.config)
        #expect(config.retentionMs == BrokerConfig(port: 0).defaultTopic.retentionMs)
        #expect(config.segmentBytes == defaults.segmentBytes)
    }

    @Test("validate_only checks and changes nothing; bad values and unknown names are INVALID_CONFIG")
    func validation() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("t", config: TopicConfig(partitions: 1))
        let before = try #require(f.topics.topic("t")?.config)
        #expect(try await code(f, Self.request("t", validateOnly: true, [.init(name: "retention.ms", operation: .set, value: "1")])) == 0)
        #expect(f.topics.topic("t")?.config == before)
        #expect(try await code(f, Self.request("t", validateOnly: true, [.init(name: "retention.ms", operation: .set, value: "soon")]))
                == KafkaErrorCode.invalidConfig.rawValue)
        #expect(try await code(f, Self.request("t", [.init(name: "no.such.setting", operation: .set, value: "1")]))
                == KafkaErrorCode.invalidConfig.rawValue)
        #expect(f.topics.topic("t")?.config == before)
    }

    @Test("APPEND and SUBTRACT are INVALID_CONFIG, unknown operations and repeated names INVALID_REQUEST")
    func refusedOperations() async throws {
        let f = try HandlerFixture()
        try f.topics.createTopic("t", config: TopicConfig(partitions: 1))
        for op in [IncrementalAlterConfigsRequest.Operation.append, .subtract] {
            for name in ["cleanup.policy", "retention.ms"] {
                let response = try await f.call(Self.request("t", [.init(name: name, operation: op, value: "delete")]), version: 1,
                                                as: IncrementalAlterConfigsResponse.self)
                #expect(response.responses.first?.errorCode == KafkaErrorCode.invalidConfig.rawValue)
                #expect(response.responses.first?.errorMessage?.contains(name) == true)
            }
        }
        var unknown = IncrementalAlterConfigsRequest.Config(name: "retention.ms", operation: .set, value: "1")
        unknown.operation = 9
        #expect(try await code(f, Self.request("t", [unknown])) == KafkaErrorCode.invalidRequest.rawValue)
        let twice = Self.request("t", [.init(name: "retention.ms", operation: .set, value: "1"),
                                       .init(name: "retention.ms", operation: .delete, value: nil)])
        #expect(try await code(f, twice) == KafkaErrorCode.invalidRequest.rawValue)
        #expect(f.topics.topic("t")?.config.retentionMs != 1)
    }

    @Test("a broker resource is refused as AlterConfigs refuses it; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION")
    func otherResources() async throws {
        let f = try HandlerFixture()
        let change = [IncrementalAlterConfigsRequest.Config(name: "log.retention.ms", operation: .set, value: "1")]
        let broker = try await f.call(Self.request("1", type: 4, change), version: 1, as: IncrementalAlterConfigsResponse.self)
        var alter = AlterConfigsRequest()
        var resource = AlterConfigsRequest.Resource()
        resource.resourceType = 4
        resource.resourceName = "1"
        alter.resources = [resource]
        let plain = try await f.call(alter, version: 2, as: AlterConfigsResponse.self)
        #expect(broker.responses == plain.responses)
        #expect(broker.responses.first?.errorCode == KafkaErrorCode.invalidRequest.rawValue)
        #expect(broker.responses.first?.resourceType == 4)
        #expect(try await code(f, Self.request("missing", change)) == KafkaErrorCode.unknownTopicOrPartition.rawValue)
    }
}
