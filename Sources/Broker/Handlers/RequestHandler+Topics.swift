import KafkaProtocol
import LogStorage

/// CreateTopics, DeleteTopics and DescribeConfigs.
extension RequestHandler {
    func createTopics(_ request: CreateTopicsRequest, version: Int16) -> CreateTopicsResponse {
        var response = CreateTopicsResponse()
        for wanted in request.topics {
            var result = CreateTopicsResponse.Topic()
            result.name = wanted.name
            func fail(_ code: KafkaErrorCode, _ message: String) {
                result.errorCode = code.rawValue
                result.errorMessage = message
            }
            var settings = self.config.defaultTopic
            if wanted.numPartitions != -1 { settings.partitions = Int(wanted.numPartitions) }
            if !wanted.assignments.isEmpty {
                settings.partitions = wanted.assignments.count
            }
            if wanted.numPartitions == 0 || wanted.numPartitions < -1 || settings.partitions > 10_000 {
                fail(.invalidPartitions, "num_partitions must be 1...10000 or -1, got \(wanted.numPartitions)")
            } else if wanted.replicationFactor != -1 && wanted.replicationFactor != 1 {
                fail(.invalidReplicationFactor, "replication factor must be 1 on a single node, got \(wanted.replicationFactor)")
            } else if wanted.assignments.contains(where: { $0.brokerIds != [self.config.nodeId] && !$0.brokerIds.isEmpty }) {
                fail(.invalidReplicationFactor, "replica assignments may only name broker \(self.config.nodeId)")
            } else if request.topics.filter({ $0.name == wanted.name }).count > 1 {
                fail(.invalidRequest, "topic \"\(wanted.name)\" appears more than once")
            } else {
                do {
                    settings = try KafkaTopicSettings.applying(wanted.configs.map { ($0.name, $0.value) }, to: settings,
                                                               defaults: self.config.defaultTopic)
                    try TopicConfig.validateName(wanted.name)
                    if request.validateOnly {
                        if topics.topic(wanted.name) != nil { fail(.topicAlreadyExists, "topic \"\(wanted.name)\" already exists") }
                    } else {
                        try topics.createTopic(wanted.name, config: settings)
                    }
                } catch let error as LogStorageError {
                    fail(kafkaError(error), error.message)
                } catch {
                    fail(.unknownServerError, "\(error)")
                }
            }
            if result.errorCode == 0 {
                result.topicId = topicId(wanted.name)
                result.numPartitions = Int32(settings.partitions)
                result.replicationFactor = 1
                result.configs = KafkaTopicSettings.describe(settings, defaults: self.config.defaultTopic).map { entry in
                    var c = CreateTopicsResponse.Config()
                    c.name = entry.name
                    c.value = entry.value
                    c.configSource = entry.isDefault ? DescribeConfigsResponse.sourceDefault : DescribeConfigsResponse.sourceDynamicTopic
                    return c
                }
            }
            response.topics.append(result)
        }
        return response
    }

    func deleteTopics(_ request: DeleteTopicsRequest) -> DeleteTopicsResponse {
        var response = DeleteTopicsResponse()
        for name in request.allNames {
            var result = DeleteTopicsResponse.Result()
            result.name = name
            do {
                try topics.deleteTopic(name)
                result.topicId = topicId(name)
            } catch {
                result.errorCode = kafkaError(error).rawValue
                result.errorMessage = kafkaErrorMessage(error)
            }
            response.responses.append(result)
        }
        return response
    }

    func describeConfigs(_ request: DescribeConfigsRequest) -> DescribeConfigsResponse {
        var response = DescribeConfigsResponse()
        for resource in request.resources {
            var result = DescribeConfigsResponse.Result()
            result.resourceType = resource.resourceType
            result.resourceName = resource.resourceName
            var entries: [(name: String, value: String, source: Int8, readOnly: Bool)] = []
            switch resource.resourceType {
            case DescribeConfigsRequest.topicResource:
                if let topic = topics.topic(resource.resourceName) {
                    entries = KafkaTopicSettings.describe(topic.config, defaults: config.defaultTopic).map {
                        ($0.name, $0.value, $0.isDefault ? DescribeConfigsResponse.sourceDefault : DescribeConfigsResponse.sourceDynamicTopic, false)
                    }
                } else {
                    result.errorCode = KafkaErrorCode.unknownTopicOrPartition.rawValue
                    result.errorMessage = "topic \"\(resource.resourceName)\" does not exist"
                }
            case DescribeConfigsRequest.brokerResource:
                entries = brokerSettings().map { ($0.0, $0.1, DescribeConfigsResponse.sourceStaticBroker, true) }
            default:
                result.errorCode = KafkaErrorCode.invalidRequest.rawValue
                result.errorMessage = "resource type \(resource.resourceType) is not supported (2 topic, 4 broker)"
            }
            let keys = resource.configurationKeys.map { Set($0) }
            result.configs = entries.filter { keys?.contains($0.name) ?? true }.map { entry in
                var c = DescribeConfigsResponse.Config()
                c.name = entry.name
                c.value = entry.value
                c.readOnly = entry.readOnly
                c.configSource = entry.source
                return c
            }
            response.results.append(result)
        }
        return response
    }

    private func brokerSettings() -> [(String, String)] {
        [
            ("auto.create.topics.enable", "\(config.autoCreateTopics)"),
            ("broker.id", "\(config.nodeId)"),
            ("message.max.bytes", "\(config.messageMaxBytes)"),
            ("num.partitions", "\(config.defaultTopic.partitions)"),
            ("socket.request.max.bytes", "\(config.maxRequestBytes)"),
            ("log.retention.ms", config.defaultTopic.retentionMs.map(String.init) ?? "-1"),
            ("log.segment.bytes", "\(config.defaultTopic.segmentBytes)"),
        ]
    }
}
