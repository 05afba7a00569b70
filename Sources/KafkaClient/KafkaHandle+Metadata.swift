import CRdKafka

/// One partition of a topic as the cluster describes it.
public struct PartitionMetadata: Sendable, Hashable {
    public var id: Int32
    /// The broker id of the leader, -1 when there is none.
    public var leader: Int32
    public var replicas: [Int32]
    public var inSyncReplicas: [Int32]
}

/// A topic and its partitions as the cluster describes them.
public struct TopicMetadata: Sendable, Hashable {
    public var name: String
    public var partitions: [PartitionMetadata]
}

extension KafkaHandle {
    /// The cluster's topics (all of them when `topic` is nil), waiting up to `timeout`.
    /// Throws `UNKNOWN_TOPIC_OR_PART` when the one topic asked for does not exist.
    func metadata(topic: String?, timeout: Duration) throws -> [TopicMetadata] {
        let rkt = topic.map { rd_kafka_topic_new(pointer, $0, nil) }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        var metadata: UnsafePointer<rd_kafka_metadata>? = nil
        let err = rd_kafka_metadata(pointer, topic == nil ? 1 : 0, rkt ?? nil, &metadata, timeout.kafkaMilliseconds)
        if err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT {
            rd_kafka_poll(pointer, 0)  // serve the error callback that says why
            throw events.timeout("metadata request to \(brokers)")
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "metadata") }
        guard let metadata else { return [] }
        defer { rd_kafka_metadata_destroy(metadata) }
        var topics: [TopicMetadata] = []
        for t in UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt)) {
            let name = String(cString: t.topic)
            if t.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if topic != nil { throw KafkaClientError(t.err, "topic \(name)") }
                continue
            }
            let partitions = UnsafeBufferPointer(start: t.partitions, count: Int(t.partition_cnt)).map { p in
                PartitionMetadata(
                    id: p.id, leader: p.leader,
                    replicas: Array(UnsafeBufferPointer(start: p.replicas, count: Int(p.replica_cnt))),
                    inSyncReplicas: Array(UnsafeBufferPointer(start: p.isrs, count: Int(p.isr_cnt))))
            }
            topics.append(TopicMetadata(name: name, partitions: partitions.sorted { $0.id < $1.id }))
        }
        return topics.sorted { $0.name < $1.name }
    }

    /// The configured `bootstrap.servers`, for error messages.
    var brokers: String {
        var size = 512
        var buffer = [CChar](repeating: 0, count: size)
        guard let conf = rd_kafka_conf(pointer),
              rd_kafka_conf_get(conf, "bootstrap.servers", &buffer, &size) == RD_KAFKA_CONF_OK else { return "the cluster" }
        let text = String(cBuffer: buffer)
        return text.isEmpty ? "the cluster" : text
    }
}
