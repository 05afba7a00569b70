import Synchronization

/// A named, partitioned log: what producers write to and consumers read from.
/// Partitions can be added (CreatePartitions) and settings changed
/// (AlterConfigs) while it runs; readers get a consistent snapshot of each.
public final class Topic: Sendable {
    public let name: String
    /// `<store>/topics/<name>`: holds `topic.json` and one `<name>-<p>` directory per partition.
    public let directory: String
    private let state: Mutex<Layout>

    private struct Layout: Sendable {
        var config: TopicConfig
        var partitions: [PartitionLog]
    }

    init(name: String, config: TopicConfig, directory: String, partitions: [PartitionLog]) {
        self.name = name
        self.directory = directory
        self.state = Mutex(Layout(config: config, partitions: partitions))
    }

    /// The topic's current settings (`partitions` included).
    public var config: TopicConfig { state.withLock { $0.config } }

    /// The partitions, numbered by position.
    public var partitions: [PartitionLog] { state.withLock { $0.partitions } }

    /// The partition with that number, nil when out of range.
    public func partition(_ number: Int) -> PartitionLog? {
        state.withLock { $0.partitions.indices.contains(number) ? $0.partitions[number] : nil }
    }

    /// Installs new settings and, when partitions were added, the longer partition list.
    func update(config: TopicConfig, partitions: [PartitionLog]? = nil) {
        state.withLock { layout in
            layout.config = config
            if let partitions { layout.partitions = partitions }
        }
        for partition in partitions ?? self.partitions { partition.apply(config: config) }
    }
}
