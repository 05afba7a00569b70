import Logging
import PetrelCore
import LogStorage
import TSDB
import Pipeline

/// Everything `petrel serve` can be told, from `petrel.yaml` and flags (flags win).
/// Validated as a whole before anything starts.
public struct ServerConfig: Sendable {
    public var dataDir = "./petrel-data"
    public var httpAddress = HostPort(host: "127.0.0.1", port: 7070)
    public var logLevel: Logger.Level = .info
    public var fsync: FsyncPolicy = .interval(milliseconds: 100)
    /// Largest request body accepted, before and after gzip decompression (InfluxDB's default is 25 MB).
    public var maxBodyBytes = 25 * 1024 * 1024
    /// Add the `db` (v1) or `bucket` (v2) of a write as a `db` label on its samples.
    public var dbLabel = false
    /// The topic that HTTP metric ingest writes to and the TSDB consumes.
    public var metricsTopic = "metrics"
    public var metricsTopicRetentionMs: Int64 = 7 * 86_400_000
    public var tsdb = TSDBOptions()
    /// How often the TSDB cuts blocks, compacts and applies retention.
    public var maintenanceIntervalMs: Int64 = 60_000
    public var lookbackDeltaMs: Int64 = 300_000
    public var queryTimeoutMs: Int64 = 120_000
    public var queryMaxSamples = 50_000_000
    /// A read-only directory of Grafana-model dashboard JSON files to provision (`--dashboards`).
    public var dashboardsDir: String?
    /// Where the embedded Kafka broker listens; nil (`off` or empty) disables it.
    public var kafkaAddress: HostPort? = HostPort(host: "127.0.0.1", port: 9092)
    /// `kafka.*`: auto topic creation, default partitions and size limits of the broker.
    public var kafka = KafkaSettings()
    /// The pipeline graph of petrel.yaml (`sources:`, `transforms:`, `sinks:`); nil = none configured.
    public var pipeline: PipelineConfig?
    /// Run the default pipeline (host metrics and a scrape of Petrel's own
    /// `/metrics` into the TSDB) when `pipeline` is nil.
    public var defaultPipeline = true
    /// The petrel.yaml this configuration was read from (`--config`); the pipeline reload re-reads it.
    public var configFile: String?

    public init() {}
}

/// The `kafka:` section of petrel.yaml.
public struct KafkaSettings: Sendable, Equatable {
    /// Create a topic when a client asks for one that does not exist.
    public var autoCreateTopics = true
    /// Partitions of automatically created topics and of CreateTopics with -1.
    public var defaultPartitions = 1
    /// Largest record batch a producer may send (Kafka's message.max.bytes).
    public var messageMaxBytes = TopicConfig.defaultMaxMessageBytes
    /// Largest request frame (Kafka's socket.request.max.bytes).
    public var maxRequestBytes = 100 * 1024 * 1024
    /// Host name Metadata advertises; empty = the listen host.
    public var advertisedHost = ""

    public init() {}
}

extension FsyncPolicy {
    /// `always`, `never`, `interval` (100 ms) or `interval:<duration>`.
    public init?(text: String, intervalMs: Int? = nil) {
        switch text {
        case "always": self = .always
        case "never": self = .never
        case "interval": self = .interval(milliseconds: intervalMs ?? 100)
        default:
            guard text.hasPrefix("interval:"), let ms = DurationText.millis(String(text.dropFirst(9))), ms > 0 else { return nil }
            self = .interval(milliseconds: Int(ms))
        }
    }
}
