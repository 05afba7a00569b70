import KafkaProtocol
import LogStorage

/// Kafka's topic config names over `TopicConfig`'s own Kafka mapping
/// (`applying(kafkaConfigs:)`, `kafkaConfigs`), plus the settings Kafka has
/// that mean nothing on one node: accepted, ignored, and listed as defaults.
enum KafkaTopicSettings {
    /// Names Kafka knows that Petrel accepts but does not act on (one node, no compaction).
    static let acceptedAndIgnored: Set<String> = [
        "compression.type", "min.insync.replicas", "unclean.leader.election.enable",
        "message.timestamp.type", "file.delete.delay.ms", "flush.messages", "flush.ms",
        "index.interval.bytes", "preallocate", "segment.jitter.ms", "segment.index.bytes",
        "delete.retention.ms", "min.compaction.lag.ms", "max.compaction.lag.ms", "min.cleanable.dirty.ratio",
        "message.downconversion.enable", "follower.replication.throttled.replicas",
        "leader.replication.throttled.replicas", "local.retention.ms", "local.retention.bytes",
        "remote.storage.enable", "message.timestamp.difference.max.ms",
    ]

    /// `config` with the named settings applied; throws `.invalidConfig` for unknown names or bad values.
    static func applying(_ changes: [(String, String?)], to config: TopicConfig, defaults: TopicConfig) throws -> TopicConfig {
        let honoured = changes.filter { !acceptedAndIgnored.contains($0.0) }.map { (name: $0.0, value: $0.1) }
        return try config.applying(kafkaConfigs: honoured, defaults: defaults)
    }

    /// Every setting of `config` with Kafka's name and value, and whether it is the default.
    static func describe(_ config: TopicConfig, defaults: TopicConfig) -> [(name: String, value: String, isDefault: Bool)] {
        let defaultValues = Dictionary(uniqueKeysWithValues: defaults.kafkaConfigs.map { ($0.name, $0.value) })
        let honoured = config.kafkaConfigs.map { ($0.name, $0.value, defaultValues[$0.name] == $0.value) }
        let fixed = [("compression.type", "producer", true), ("message.timestamp.type", "CreateTime", true),
                     ("min.insync.replicas", "1", true)]
        return (honoured + fixed).sorted { $0.0 < $1.0 }
    }
}
