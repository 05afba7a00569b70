import PetrelCore

/// How the group coordinator runs: Kafka's group.* and offsets.* broker
/// settings, and the clock its timers read (inject a `ManualTimeSource` in tests).
public struct GroupCoordinatorOptions: Sendable {
    /// Kafka `group.min.session.timeout.ms`.
    public var minSessionTimeoutMs: Int32
    /// Kafka `group.max.session.timeout.ms`.
    public var maxSessionTimeoutMs: Int32
    /// Kafka `group.initial.rebalance.delay.ms`: the first rebalance of an
    /// empty group waits this long for more members (joins keep extending it up
    /// to the rebalance timeout), so a starting fleet gets one rebalance, not many.
    public var initialRebalanceDelayMs: Int64
    /// Kafka `offsets.retention.minutes`, in milliseconds: offsets of a group
    /// that has been Empty for longer are dropped. nil keeps them forever.
    public var offsetsRetentionMs: Int64?
    /// Kafka `offset.metadata.max.bytes`.
    public var maxOffsetMetadataBytes: Int
    /// Kafka `group.max.size`.
    public var maxGroupSize: Int
    /// How often `run()` checks session timeouts, rebalance deadlines and retention.
    public var tick: Duration
    /// How often `run()` refreshes the consumer-lag gauges.
    public var lagRefreshInterval: Duration
    public var timeSource: any TimeSource

    public init(minSessionTimeoutMs: Int32 = 6_000, maxSessionTimeoutMs: Int32 = 1_800_000,
                initialRebalanceDelayMs: Int64 = 3_000, offsetsRetentionMs: Int64? = 7 * 24 * 3600 * 1000,
                maxOffsetMetadataBytes: Int = 4096, maxGroupSize: Int = 1000,
                tick: Duration = .milliseconds(100), lagRefreshInterval: Duration = .seconds(5),
                timeSource: any TimeSource = SystemTimeSource()) {
        self.minSessionTimeoutMs = minSessionTimeoutMs
        self.maxSessionTimeoutMs = maxSessionTimeoutMs
        self.initialRebalanceDelayMs = initialRebalanceDelayMs
        self.offsetsRetentionMs = offsetsRetentionMs
        self.maxOffsetMetadataBytes = maxOffsetMetadataBytes
        self.maxGroupSize = maxGroupSize
        self.tick = tick
        self.lagRefreshInterval = lagRefreshInterval
        self.timeSource = timeSource
    }
}
