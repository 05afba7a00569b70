import Foundation
import Broker
import KafkaProtocol
import Logging
import Synchronization
import PetrelCore
import LogStorage
import Broker
import TSDB
import PromQL
import Pipeline

/// The running parts of one Petrel process, built once by the composition root
/// and handed to the routes and services that need them.
public final class PetrelComponents: Sendable {
    public let config: ServerConfig
    public let topics: TopicStore
    /// Kafka consumer groups and committed offsets over `topics`; the broker serves it and runs its timers.
    public let groups: GroupCoordinator
    public let metricsTopic: Topic
    public let tsdb: TSDB
    public let engine: Engine
    public let ingestor: MetricsIngestor
    public let readiness: Readiness
    public let logger: Logger
    /// Runs the configured pipeline graph of sources and sinks.
    public let pipeline: PipelineRuntime
    /// Which pipeline component, if any, the HTTP ingest routes write for.
    public let endpoints = HTTPEndpoints()
    /// Metric family metadata from remote write, for `/api/v1/metadata`.
    public let metricMetadata = MetricMetadataStore()
    /// The embedded Kafka broker; nil when `kafka_addr` is off.
    public let kafkaBroker: KafkaBroker?
    let maintenanceRunning = Mutex(false)

    /// Opens (and so recovers) the topic log and the TSDB under `config.dataDir`.
    public init(config: ServerConfig, logger: Logger, timeSource: any TimeSource = SystemTimeSource()) throws {
        // Metrics created before the backend is bootstrapped would stay no-ops.
        _ = PetrelServer.registry
        // Topics written by Kafka producers may hold snappy, lz4 or zstd batches.
        KafkaCompression.install()
        self.config = config
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
        } catch {
            throw ConfigError(file: "flags", key: "data_dir", message: "cannot create \(config.dataDir): \(error.localizedDescription)")
        }
        let topicOptions = TopicStoreOptions(fsync: config.fsync, timeSource: timeSource, logger: logger)
        topics = try TopicStore(directory: config.dataDir + "/topics", options: topicOptions)
        if let existing = topics.topic(config.metricsTopic) {
            metricsTopic = existing
        } else {
            var topicConfig = TopicConfig()
            topicConfig.partitions = 1
            topicConfig.retentionMs = config.metricsTopicRetentionMs
            // Ingest writes values of at most 1 MiB, or one line of up to 1 MiB, plus headers.
            topicConfig.maxMessageBytes = 2 << 20
            metricsTopic = try topics.createTopic(config.metricsTopic, config: topicConfig)
        }
        groups = GroupCoordinator(store: topics, options: GroupCoordinatorOptions(timeSource: timeSource), logger: logger)
        try topics.pin(group: TSDBIngestService.consumerGroup, topic: config.metricsTopic)
        tsdb = try TSDB(directory: config.dataDir + "/tsdb", options: config.tsdb, timeSource: timeSource, logger: logger)
        engine = Engine(options: EngineOptions(
            lookbackDelta: config.lookbackDeltaMs,
            maxSamples: config.queryMaxSamples,
            timeout: .milliseconds(config.queryTimeoutMs)))
        ingestor = MetricsIngestor(topic: metricsTopic, config: config, timeSource: timeSource)
        readiness = Readiness()
        var reserved = [ListenAddress(.tcp, host: config.httpAddress.host, port: config.httpAddress.port)]
        if let kafka = config.kafkaAddress { reserved.append(ListenAddress(.tcp, host: kafka.host, port: kafka.port)) }
        pipeline = PipelineRuntime(topics: topics, environment: PipelineEnvironment(
            dataDir: config.dataDir, metricsTopic: config.metricsTopic, httpAddress: config.httpAddress.description,
            reservedListens: reserved, kafkaAddress: config.kafkaAddress?.description, endpoints: endpoints),
            logger: logger, timeSource: timeSource)
        if let address = config.kafkaAddress {
            let kafka = config.kafka
            kafkaBroker = try KafkaBroker(config: BrokerConfig(
                host: address.host, port: address.port,
                advertisedHost: kafka.advertisedHost.isEmpty ? nil : kafka.advertisedHost,
                maxRequestBytes: kafka.maxRequestBytes, messageMaxBytes: kafka.messageMaxBytes,
                autoCreateTopics: kafka.autoCreateTopics, defaultPartitions: kafka.defaultPartitions),
                topics: topics, groups: groups, logger: logger)
        } else {
            kafkaBroker = nil
        }
    }
}
