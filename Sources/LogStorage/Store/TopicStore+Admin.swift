/// What the broker's admin requests change: partitions (CreatePartitions),
/// settings (AlterConfigs) and producer ids (InitProducerId).
extension TopicStore {
    /// Grows `topic` to `count` partitions (Kafka CreatePartitions): the new
    /// partition directories are created, then `topic.json` is rewritten.
    /// Throws `.unknownTopic`, or `.invalidPartitions` unless `count` is larger
    /// than the current number (and at most 10000).
    public func addPartitions(_ name: String, to count: Int) throws {
        try checkOpen()
        try topics.withLock { (topics) throws in
            guard let topic = topics[name] else { throw LogStorageError(.unknownTopic, "topic \"\(name)\" does not exist") }
            var config = topic.config
            guard count > config.partitions else {
                throw LogStorageError(.invalidPartitions,
                                      "topic \"\(name)\" has \(config.partitions) partitions; the new count \(count) must be larger")
            }
            guard count <= 10_000 else {
                throw LogStorageError(.invalidPartitions, "topic \"\(name)\": at most 10000 partitions, asked for \(count)")
            }
            var partitions = topic.partitions
            let old = config.partitions
            config.partitions = count
            for number in old..<count {
                partitions.append(try Self.openPartition(topic: name, number: number, config: config,
                                                         directory: topic.directory, options: options))
            }
            try Self.writeTopicFile(config, directory: topic.directory)
            topic.update(config: config, partitions: partitions)
            options.logger.info("added partitions", metadata: ["topic": "\(name)", "from": "\(old)", "to": "\(count)"])
        }
    }

    /// Replaces `topic`'s settings (Kafka AlterConfigs / IncrementalAlterConfigs):
    /// validated, persisted in `topic.json`, then applied to the live
    /// partitions. `config.partitions` is ignored; use `addPartitions`.
    /// Throws `.unknownTopic` or `.invalidConfig`.
    public func alterConfig(_ name: String, _ config: TopicConfig) throws {
        try checkOpen()
        try topics.withLock { (topics) throws in
            guard let topic = topics[name] else { throw LogStorageError(.unknownTopic, "topic \"\(name)\" does not exist") }
            var config = config
            config.partitions = topic.config.partitions
            try config.validate()
            try Self.writeTopicFile(config, directory: topic.directory)
            topic.update(config: config)
            options.logger.info("altered topic config", metadata: ["topic": "\(name)"])
        }
    }

    /// A producer id never handed out before, for InitProducerId; durable
    /// before it is returned. The epoch of a new id starts at 0.
    public func allocateProducerId() throws -> Int64 {
        try checkOpen()
        return try producerIds.allocate()
    }
}
