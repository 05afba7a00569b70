/// Topic settings under their Kafka names, for DescribeConfigs, CreateTopics
/// configs and AlterConfigs. Kafka writes "no limit" as -1.
extension TopicConfig {
    /// The Kafka config names a topic honours.
    public static let kafkaConfigNames = [
        "cleanup.policy", "max.message.bytes", "retention.bytes", "retention.ms", "segment.bytes", "segment.ms",
    ]

    /// Every honoured setting as Kafka names and writes it, sorted by name.
    public var kafkaConfigs: [(name: String, value: String)] {
        [
            ("cleanup.policy", cleanupPolicy.rawValue),
            ("max.message.bytes", String(maxMessageBytes)),
            ("retention.bytes", String(retentionBytes ?? -1)),
            ("retention.ms", String(retentionMs ?? -1)),
            ("segment.bytes", String(segmentBytes)),
            ("segment.ms", String(segmentMs ?? -1)),
        ]
    }

    /// These settings with Kafka-named changes applied; a nil value restores
    /// `defaults`' setting. Throws `.invalidConfig` for an unknown name or a
    /// value that does not parse; the result is validated.
    public func applying(kafkaConfigs changes: [(name: String, value: String?)],
                         defaults: TopicConfig = TopicConfig()) throws(LogStorageError) -> TopicConfig {
        var config = self
        for (name, value) in changes {
            func number() throws(LogStorageError) -> Int64? {
                guard let value else { return nil }
                guard let parsed = Int64(value.trimmingPrefixAndSuffixSpaces) else {
                    throw LogStorageError(.invalidConfig, "\(name): \"\(value)\" is not a number")
                }
                return parsed
            }
            switch name {
            case "retention.ms":
                config.retentionMs = try number().map { $0 < 0 ? nil : $0 } ?? defaults.retentionMs
            case "retention.bytes":
                config.retentionBytes = try number().map { $0 < 0 ? nil : $0 } ?? defaults.retentionBytes
            case "segment.ms":
                config.segmentMs = try number().map { $0 < 0 ? nil : $0 } ?? defaults.segmentMs
            case "segment.bytes":
                config.segmentBytes = try number().map { Int(clamping: $0) } ?? defaults.segmentBytes
            case "max.message.bytes":
                config.maxMessageBytes = try number().map { Int(clamping: $0) } ?? defaults.maxMessageBytes
            case "cleanup.policy":
                guard let value else { config.cleanupPolicy = defaults.cleanupPolicy; continue }
                guard let policy = CleanupPolicy(rawValue: value) else {
                    throw LogStorageError(.invalidConfig, "cleanup.policy: only \"delete\" is supported, got \"\(value)\"")
                }
                config.cleanupPolicy = policy
            default:
                throw LogStorageError(.invalidConfig, "unsupported topic config \"\(name)\"; supported: \(Self.kafkaConfigNames.joined(separator: ", "))")
            }
        }
        try config.validate()
        return config
    }
}

extension String {
    fileprivate var trimmingPrefixAndSuffixSpaces: Substring {
        let trimmed = drop { $0 == " " }
        return trimmed.dropLast(trimmed.reversed().prefix { $0 == " " }.count)
    }
}
