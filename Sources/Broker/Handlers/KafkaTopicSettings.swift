import KafkaProtocol
import LogStorage

/// Kafka's topic config names mapped onto `TopicConfig`: applied from
/// CreateTopics / AlterConfigs and listed by DescribeConfigs.
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

    /// Applies one `name=value`; throws a message for INVALID_CONFIG.
    static func apply(_ name: String, _ value: String?, to config: inout TopicConfig) throws(SettingError) {
        func number() throws(SettingError) -> Int64 {
            guard let value, let n = Int64(value) else { throw SettingError("\(name): \"\(value ?? "null")\" is not a number") }
            return n
        }
        switch name {
        case "retention.ms":
            let n = try number()
            config.retentionMs = n < 0 ? nil : n
        case "retention.bytes":
            let n = try number()
            config.retentionBytes = n < 0 ? nil : n
        case "segment.bytes":
            config.segmentBytes = Int(try number())
        case "segment.ms":
            config.segmentMs = try number()
        case "max.message.bytes":
            config.maxMessageBytes = Int(try number())
        case "cleanup.policy":
            guard value == "delete" else { throw SettingError("cleanup.policy: only delete is supported, not \"\(value ?? "null")\"") }
        default:
            guard acceptedAndIgnored.contains(name) else { throw SettingError("unknown topic config \"\(name)\"") }
        }
    }

    /// Every setting of `config` with Kafka's name, value and whether it is the default.
    static func describe(_ config: TopicConfig) -> [(name: String, value: String, isDefault: Bool)] {
        let defaults = TopicConfig()
        func ms(_ v: Int64?) -> String { v.map(String.init) ?? "-1" }
        return [
            ("cleanup.policy", "delete", true),
            ("compression.type", "producer", true),
            ("max.message.bytes", "\(config.maxMessageBytes)", config.maxMessageBytes == defaults.maxMessageBytes),
            ("message.timestamp.type", "CreateTime", true),
            ("min.insync.replicas", "1", true),
            ("retention.bytes", ms(config.retentionBytes), config.retentionBytes == defaults.retentionBytes),
            ("retention.ms", ms(config.retentionMs), config.retentionMs == defaults.retentionMs),
            ("segment.bytes", "\(config.segmentBytes)", config.segmentBytes == defaults.segmentBytes),
            ("segment.ms", ms(config.segmentMs), config.segmentMs == defaults.segmentMs),
        ]
    }

    struct SettingError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
