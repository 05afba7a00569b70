import KafkaProtocol
import LogStorage

/// AlterConfigs and IncrementalAlterConfigs: changes to a topic's settings.
/// Both answer per resource with the same result; broker settings come from
/// petrel.yaml and are refused.
extension RequestHandler {
    /// AlterConfigs replaces a topic's settings: the ones not named go back to their defaults, as in Kafka.
    func alterConfigs(_ request: AlterConfigsRequest) -> AlterConfigsResponse {
        var response = AlterConfigsResponse()
        response.responses = request.resources.map { resource in
            alterTopicSettings(resourceType: resource.resourceType, topic: resource.resourceName,
                               validateOnly: request.validateOnly) { topic in
                var settings = config.defaultTopic
                settings.partitions = topic.partitions.count
                return try KafkaTopicSettings.applying(resource.configs.map { ($0.name, $0.value) }, to: settings,
                                                       defaults: config.defaultTopic)
            }
        }
        return response
    }

    /// IncrementalAlterConfigs changes only the named settings: SET gives one a
    /// value, DELETE returns it to the broker default. APPEND and SUBTRACT are
    /// refused with INVALID_CONFIG: Kafka allows them only on list settings,
    /// and the one list setting Petrel honours, cleanup.policy, has a single
    /// possible value ("delete").
    func incrementalAlterConfigs(_ request: IncrementalAlterConfigsRequest) -> IncrementalAlterConfigsResponse {
        var response = IncrementalAlterConfigsResponse()
        response.responses = request.resources.map { resource in
            alterTopicSettings(resourceType: resource.resourceType, topic: resource.resourceName,
                               validateOnly: request.validateOnly) { topic in
                let changes = try resource.configs.map { try Self.incrementalChange($0) }
                let names = changes.map(\.0)
                if let repeated = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
                    throw LogStorageError(.invalidRequest, "setting \"\(repeated)\" is named more than once")
                }
                return try KafkaTopicSettings.applying(changes, to: topic.config, defaults: config.defaultTopic)
            }
        }
        return response
    }

    /// One IncrementalAlterConfigs entry as a (name, new value) change; nil restores the default.
    static func incrementalChange(_ entry: IncrementalAlterConfigsRequest.Config) throws -> (String, String?) {
        switch IncrementalAlterConfigsRequest.Operation(rawValue: entry.operation) {
        case .set:
            return (entry.name, entry.value)
        case .delete:
            return (entry.name, nil)
        case .append, .subtract:
            let verb = entry.operation == IncrementalAlterConfigsRequest.Operation.append.rawValue ? "APPEND" : "SUBTRACT"
            let why = entry.name == "cleanup.policy" ? "it has one possible value, \"delete\"" : "it is not a list setting"
            throw LogStorageError(.invalidConfig, "\(verb) cannot change \"\(entry.name)\": \(why); use SET")
        case nil:
            throw LogStorageError(.invalidRequest, "unknown config operation \(entry.operation) for \"\(entry.name)\"")
        }
    }

    /// One resource's result: `newSettings` turns the topic's current settings
    /// into the wanted ones, which are stored unless `validateOnly`.
    private func alterTopicSettings(resourceType: Int8, topic name: String, validateOnly: Bool,
                                    _ newSettings: (Topic) throws -> TopicConfig) -> AlterConfigsResponse.Result {
        var result = AlterConfigsResponse.Result()
        result.resourceType = resourceType
        result.resourceName = name
        do {
            guard resourceType == DescribeConfigsRequest.topicResource else {
                throw LogStorageError(.invalidRequest, "only topic settings can be changed; broker settings come from petrel.yaml")
            }
            guard let topic = topics.topic(name) else {
                throw LogStorageError(.unknownTopic, "topic \"\(name)\" does not exist")
            }
            let settings = try newSettings(topic)
            if !validateOnly { try topics.alterConfig(name, settings) }
        } catch {
            result.errorCode = kafkaError(error).rawValue
            result.errorMessage = kafkaErrorMessage(error)
        }
        return result
    }
}
