import Logging
import PetrelCore
import LogStorage

/// What the runtime hands a component when it builds it.
public struct ComponentContext: Sendable {
    public let id: String
    public let kind: ComponentKind
    public let type: String
    /// The embedded topic log: sources' outputs and sinks' inputs live here.
    public let topics: TopicStore
    public let metrics: ComponentMetrics
    /// Logs with `component_id`, `component_kind` and `component_type` set.
    public let logger: Logger
    public let timeSource: any TimeSource
    /// `<data-dir>/pipeline/<id>`: where the component keeps its checkpoints
    /// (created by the runtime before `build`).
    public let stateDirectory: String
    public let environment: PipelineEnvironment

    public init(id: String, kind: ComponentKind, type: String, topics: TopicStore, metrics: ComponentMetrics,
                logger: Logger, timeSource: any TimeSource, stateDirectory: String, environment: PipelineEnvironment) {
        self.id = id
        self.kind = kind
        self.type = type
        self.topics = topics
        self.metrics = metrics
        self.logger = logger
        self.timeSource = timeSource
        self.stateDirectory = stateDirectory
        self.environment = environment
    }
}

/// Facts about the Petrel process that components need.
public struct PipelineEnvironment: Sendable {
    /// The data directory (`--data-dir`).
    public var dataDir: String
    /// The topic the TSDB consumes; the `tsdb` sink appends to it.
    public var metricsTopic: String
    /// Where Petrel's HTTP server listens, `host:port` (for the self-scrape).
    public var httpAddress: String
    /// Sockets Petrel itself listens on (HTTP, Kafka); components may not take them.
    public var reservedListens: [ListenAddress]
    /// Petrel's own Kafka listener, `host:port`, when it runs (the `kafka`
    /// source's default bootstrap server).
    public var kafkaAddress: String?

    public init(dataDir: String, metricsTopic: String = "metrics", httpAddress: String = "127.0.0.1:7070",
                reservedListens: [ListenAddress] = [], kafkaAddress: String? = nil) {
        self.dataDir = dataDir
        self.metricsTopic = metricsTopic
        self.httpAddress = httpAddress
        self.reservedListens = reservedListens
        self.kafkaAddress = kafkaAddress
    }
}
