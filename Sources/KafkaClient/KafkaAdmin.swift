import CRdKafka

/// A topic's partitions and configuration, as `KafkaAdmin.describeTopic` reports them.
public struct TopicDescription: Sendable, Hashable {
    public var metadata: TopicMetadata
    /// The topic's configuration entries, sorted by name.
    public var configs: [ConfigEntry]
}

/// One configuration entry of a topic.
public struct ConfigEntry: Sendable, Hashable {
    public var name: String
    /// nil for sensitive or unset entries.
    public var value: String?
    /// True when the value is the broker's default rather than set on the topic.
    public var isDefault: Bool
}

/// Lists, creates, deletes and describes topics through librdkafka's Admin API.
///
/// Every call blocks its thread up to its timeout and returns the broker's
/// answer for that topic, or throws it as a `KafkaClientError` (e.g.
/// `TOPIC_ALREADY_EXISTS`, `UNKNOWN_TOPIC_OR_PART`, `_TIMED_OUT`). Call `close`
/// when done.
public final class KafkaAdmin: Sendable {
    let handle: KafkaHandle

    /// Creates an admin client from librdkafka properties (`bootstrap.servers`, ...).
    public init(config: [String: String]) throws {
        handle = try KafkaHandle(kind: RD_KAFKA_PRODUCER, settings: config)
    }

    /// Every topic in the cluster with its partitions, sorted by name.
    public func listTopics(timeout: Duration = .seconds(10)) throws -> [TopicMetadata] {
        try handle.metadata(topic: nil, timeout: timeout)
    }

    /// Creates a topic; `configs` are topic-level settings such as `retention.ms`.
    public func createTopic(_ name: String, partitions: Int32 = 1, replicationFactor: Int32 = 1,
                            configs: [String: String] = [:], timeout: Duration = .seconds(10)) throws {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &errstr, errstr.count) else {
            throw KafkaClientError.invalidArgument("topic \(name): \(String(cBuffer: errstr))")
        }
        defer { rd_kafka_NewTopic_destroy(topic) }
        for (key, value) in configs.sorted(by: { $0.key < $1.key }) {
            let err = rd_kafka_NewTopic_set_config(topic, key, value)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "topic \(name) config \(key)=\(value)") }
        }
        try run(RD_KAFKA_ADMIN_OP_CREATETOPICS, "create topic \(name)", timeout: timeout) { options, queue in
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_CreateTopics(handle.pointer, &topics, 1, options, queue)
        } result: { event in
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            try Self.check(results, count, "create topic \(name)")
        }
    }

    /// Deletes a topic and its records.
    public func deleteTopic(_ name: String, timeout: Duration = .seconds(10)) throws {
        let topic = rd_kafka_DeleteTopic_new(name)
        defer { rd_kafka_DeleteTopic_destroy(topic) }
        try run(RD_KAFKA_ADMIN_OP_DELETETOPICS, "delete topic \(name)", timeout: timeout) { options, queue in
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_DeleteTopics(handle.pointer, &topics, 1, options, queue)
        } result: { event in
            var count = 0
            let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            try Self.check(results, count, "delete topic \(name)")
        }
    }

    /// A topic's partitions (metadata) and configuration (DescribeConfigs).
    public func describeTopic(_ name: String, timeout: Duration = .seconds(10)) throws -> TopicDescription {
        guard let metadata = try handle.metadata(topic: name, timeout: timeout).first else {
            throw KafkaClientError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "topic \(name)")
        }
        let resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name)
        defer { rd_kafka_ConfigResource_destroy(resource) }
        var configs: [ConfigEntry] = []
        try run(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, "describe configs of topic \(name)", timeout: timeout) { options, queue in
            var resources: [OpaquePointer?] = [resource]
            rd_kafka_DescribeConfigs(handle.pointer, &resources, 1, options, queue)
        } result: { event in
            var count = 0
            let described = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count)
            for i in 0..<count {
                guard let resource = described?[i] else { continue }
                let err = rd_kafka_ConfigResource_error(resource)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaClientError(err, "describe configs of topic \(name)",
                                           detail: rd_kafka_ConfigResource_error_string(resource).map { String(cString: $0) })
                }
                var entryCount = 0
                let entries = rd_kafka_ConfigResource_configs(resource, &entryCount)
                for j in 0..<entryCount {
                    guard let entry = entries?[j] else { continue }
                    configs.append(ConfigEntry(
                        name: String(cString: rd_kafka_ConfigEntry_name(entry)),
                        value: rd_kafka_ConfigEntry_value(entry).map { String(cString: $0) },
                        isDefault: rd_kafka_ConfigEntry_is_default(entry) != 0))
                }
            }
        }
        return TopicDescription(metadata: metadata, configs: configs.sorted { $0.name < $1.name })
    }

    /// Frees the client; later calls are no-ops.
    public func close() {
        handle.destroy()
    }

    deinit {
        handle.destroy()
    }
}
