import KafkaProtocol
import LogStorage

/// Metadata: this one broker leads every partition.
extension RequestHandler {
    func metadata(_ request: MetadataRequest, version: Int16) throws -> MetadataResponse {
        var response = MetadataResponse()
        response.brokers = [MetadataResponse.Broker(nodeId: config.nodeId, host: advertisedHost,
                                                    port: Int32(advertisedPort.load(ordering: .acquiring)))]
        response.clusterId = clusterId
        response.controllerId = config.nodeId
        let names: [String]
        let everything = request.topics == nil || (version == 0 && request.topics?.isEmpty == true)
        if everything {
            names = topics.topicNames
        } else {
            names = (request.topics ?? []).compactMap(\.name)
        }
        let autoCreate = config.autoCreateTopics && request.allowAutoTopicCreation && !everything
        response.topics = names.map { name in describeTopic(name, autoCreate: autoCreate) }
        return response
    }

    private func describeTopic(_ name: String, autoCreate: Bool) -> MetadataResponse.Topic {
        var entry = MetadataResponse.Topic()
        entry.name = name
        let topic: Topic
        do {
            guard let found = try autoCreate ? topicOrCreate(name) : topics.topic(name) else {
                entry.errorCode = KafkaErrorCode.unknownTopicOrPartition.rawValue
                return entry
            }
            topic = found
        } catch {
            entry.errorCode = kafkaError(error).rawValue
            return entry
        }
        entry.topicId = topicId(name)
        entry.partitions = topic.partitions.indices.map { index in
            var partition = MetadataResponse.Partition()
            partition.partitionIndex = Int32(index)
            partition.leaderId = config.nodeId
            partition.leaderEpoch = 0
            partition.replicaNodes = [config.nodeId]
            partition.isrNodes = [config.nodeId]
            return partition
        }
        return entry
    }

    /// The topic, created with the broker's default settings when missing.
    func topicOrCreate(_ name: String) throws -> Topic {
        if let topic = topics.topic(name) { return topic }
        do {
            return try topics.createTopic(name, config: config.defaultTopic)
        } catch let error as LogStorageError where error.code == .topicAlreadyExists {
            guard let topic = topics.topic(name) else { throw error }
            return topic
        }
    }

    /// A stable id per topic name (Petrel keeps no topic ids; clients only compare them).
    func topicId(_ name: String) -> KafkaUUID {
        var high: UInt64 = 0xcbf2_9ce4_8422_2325
        var low: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in name.utf8 {
            high = (high ^ UInt64(byte)) &* 0x100_0000_01b3
            low = (low &+ UInt64(byte)) &* 0x9e37_79b9_7f4a_7c15
        }
        return KafkaUUID(high: high, low: low | 1)
    }
}
