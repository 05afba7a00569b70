import Logging
import PetrelCore

/// How a `TopicStore` runs: durability, the settings new topics get, the clock
/// retention reads, and where it logs.
public struct TopicStoreOptions: Sendable {
    public var fsync: FsyncPolicy
    public var defaultTopic: TopicConfig
    public var timeSource: any TimeSource
    public var logger: Logger
    /// How often `run()` applies retention.
    public var retentionCheckInterval: Duration

    public init(fsync: FsyncPolicy = .default, defaultTopic: TopicConfig = TopicConfig(),
                timeSource: any TimeSource = SystemTimeSource(),
                logger: Logger = Logger(label: "petrel.topics"),
                retentionCheckInterval: Duration = .seconds(5)) {
        self.fsync = fsync
        self.defaultTopic = defaultTopic
        self.timeSource = timeSource
        self.logger = logger
        self.retentionCheckInterval = retentionCheckInterval
    }
}
