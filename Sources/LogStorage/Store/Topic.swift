/// A named, partitioned log: what producers write to and consumers read from.
public final class Topic: Sendable {
    public let name: String
    public let config: TopicConfig
    public let partitions: [PartitionLog]
    /// `<store>/topics/<name>`: holds `topic.json` and one `<name>-<p>` directory per partition.
    public let directory: String

    init(name: String, config: TopicConfig, directory: String, partitions: [PartitionLog]) {
        self.name = name
        self.config = config
        self.directory = directory
        self.partitions = partitions
    }

    /// The partition with that number, nil when out of range.
    public func partition(_ number: Int) -> PartitionLog? {
        partitions.indices.contains(number) ? partitions[number] : nil
    }
}
