import PetrelCore

/// `type: kafka`: copies records from Kafka topics (Petrel's own broker by
/// default, or an external cluster) into the component's topic, committing
/// the consumer group's offsets only once the copies are durable.
/// See docs/pipeline/kafka.md.
public struct KafkaSourceConfig: SourceConfig {
    public static let type = "kafka"

    public enum OffsetReset: String, Sendable {
        case earliest, latest
    }

    public var topics: [String] = []
    /// nil: Petrel's own Kafka listener (or 127.0.0.1:9092 when it is off).
    public var bootstrapServers: String?
    /// nil: `petrel-<component id>`.
    public var groupId: String?
    public var autoOffsetReset = OffsetReset.latest
    /// librdkafka properties passed through as they are (they win over the above).
    public var librdkafkaOptions: [String: String] = [:]
    /// Records copied per append at most.
    public var maxBatch = 1000

    public init(_ section: inout ConfigSection) throws {
        guard let topics = try section.strings("topics"), !topics.isEmpty, !topics.contains(where: \.isEmpty) else {
            throw section.error("topics", "expected a list of one or more topic names")
        }
        self.topics = topics
        if let servers = try section.string("bootstrap_servers") {
            guard !servers.isEmpty else { throw section.error("bootstrap_servers", "expected host:port[,host:port]") }
            bootstrapServers = servers
        }
        if let group = try section.string("group_id") {
            guard !group.isEmpty else { throw section.error("group_id", "expected a consumer group name") }
            groupId = group
        }
        if let reset = try section.string("auto_offset_reset") {
            guard let value = OffsetReset(rawValue: reset) else {
                throw section.error("auto_offset_reset", "expected earliest or latest")
            }
            autoOffsetReset = value
        }
        librdkafkaOptions = try section.stringMap("librdkafka_options") ?? [:]
        if let n = try section.int("max_batch") {
            guard n >= 1, n <= 100_000 else { throw section.error("max_batch", "expected 1 to 100000") }
            maxBatch = n
        }
    }

    /// The consumer's librdkafka properties for component `id`.
    func consumerProperties(id: String, environment: PipelineEnvironment) -> [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers ?? environment.kafkaAddress ?? "127.0.0.1:9092",
            "group.id": groupId ?? "petrel-\(id)",
            "auto.offset.reset": autoOffsetReset.rawValue,
            "client.id": "petrel-\(id)",
        ]
        properties.merge(librdkafkaOptions) { _, user in user }
        // At-least-once: offsets are committed by the source after each append, never in the background.
        properties["enable.auto.commit"] = "false"
        return properties
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        KafkaSource(config: self, properties: consumerProperties(id: context.id, environment: context.environment),
                    context: context)
    }
}
