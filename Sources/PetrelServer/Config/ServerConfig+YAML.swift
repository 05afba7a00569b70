import Logging
import PetrelCore
import LogStorage
import Yams
import Pipeline

extension ServerConfig {
    /// Reads `petrel.yaml` over the defaults. Unknown keys and bad values are
    /// errors naming the file and the key, so a typo never passes silently.
    public mutating func apply(yaml text: String, file: String) throws {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ConfigError(file: file, key: "(document)", message: "not valid YAML: \(error)")
        }
        guard let root else { return }
        guard let map = root as? [String: Any] else {
            throw ConfigError(file: file, key: "(document)", message: "expected a mapping at the top level")
        }
        var reader = ConfigSection(file: file, path: "", map: map)
        if let v = try reader.string("data_dir") { dataDir = v }
        if let v = try reader.string("http_addr") {
            guard let hp = HostPort(v) else { throw reader.error("http_addr", "expected host:port, got \"\(v)\"") }
            httpAddress = hp
        }
        if let v = try reader.string("kafka_addr") {
            if v.isEmpty || v == "off" {
                kafkaAddress = nil
            } else {
                guard let hp = HostPort(v) else { throw reader.error("kafka_addr", "expected host:port or off, got \"\(v)\"") }
                kafkaAddress = hp
            }
        }
        if var k = try reader.section("kafka") {
            if let v = try k.bool("auto_create_topics") { kafka.autoCreateTopics = v }
            if let v = try k.int("default_partitions") { kafka.defaultPartitions = v }
            if let v = try k.int("message_max_bytes") { kafka.messageMaxBytes = v }
            if let v = try k.int("max_request_bytes") { kafka.maxRequestBytes = v }
            if let v = try k.string("advertised_host") { kafka.advertisedHost = v }
            try k.finish()
        }
        if let v = try reader.string("log_level") {
            guard let level = Logger.Level(rawValue: v) else { throw reader.error("log_level", "expected one of trace, debug, info, notice, warning, error, critical") }
            logLevel = level
        }
        if let v = try reader.string("dashboards") { dashboardsDir = v }
        if var storage = try reader.section("storage") {
            if let v = try storage.string("fsync") {
                let interval = try storage.duration("fsync_interval").map { Int($0) }
                guard let policy = FsyncPolicy(text: v, intervalMs: interval) else {
                    throw storage.error("fsync", "expected always, interval or never, got \"\(v)\"")
                }
                fsync = policy
            }
            try storage.finish()
        }
        if var ingest = try reader.section("ingest") {
            if let v = try ingest.int("max_body_bytes") { maxBodyBytes = v }
            if let v = try ingest.bool("db_label") { dbLabel = v }
            if let v = try ingest.string("topic") { metricsTopic = v }
            if let v = try ingest.duration("topic_retention") { metricsTopicRetentionMs = v }
            try ingest.finish()
        }
        if var t = try reader.section("tsdb") {
            if let v = try t.duration("retention") { tsdb.retention = v }
            if let v = try t.duration("block_duration") { tsdb.blockDuration = v }
            if let v = try t.duration("out_of_order_window") { tsdb.outOfOrderWindow = v }
            if let v = try t.int("max_series") { tsdb.maxSeries = v }
            if let v = try t.int("max_series_per_metric") { tsdb.maxSeriesPerMetric = v }
            if let v = try t.duration("maintenance_interval") { maintenanceIntervalMs = v }
            try t.finish()
        }
        if var q = try reader.section("query") {
            if let v = try q.duration("lookback_delta") { lookbackDeltaMs = v }
            if let v = try q.duration("timeout") { queryTimeoutMs = v }
            if let v = try q.int("max_samples") { queryMaxSamples = v }
            try q.finish()
        }
        let (graph, problems) = PipelineConfig.take(from: &reader)
        if let first = problems.first { throw first }
        pipeline = graph
        try reader.finish()
        try validate(file: file)
    }

    /// Checks the values that no single key can check alone.
    public func validate(file: String = "flags") throws {
        if maxBodyBytes < 1024 { throw ConfigError(file: file, key: "ingest.max_body_bytes", message: "must be at least 1024") }
        if tsdb.blockDuration < 60_000 { throw ConfigError(file: file, key: "tsdb.block_duration", message: "must be at least 1m") }
        if tsdb.retention < tsdb.blockDuration { throw ConfigError(file: file, key: "tsdb.retention", message: "must be at least one block duration") }
        if tsdb.maxSeries < 0 || tsdb.maxSeriesPerMetric < 0 { throw ConfigError(file: file, key: "tsdb.max_series", message: "must not be negative") }
        if !(1...10_000).contains(kafka.defaultPartitions) {
            throw ConfigError(file: file, key: "kafka.default_partitions", message: "must be 1...10000")
        }
        if kafka.messageMaxBytes < 1024 || kafka.maxRequestBytes < kafka.messageMaxBytes {
            throw ConfigError(file: file, key: "kafka.message_max_bytes", message: "must be at least 1024 and at most kafka.max_request_bytes")
        }

        if lookbackDeltaMs <= 0 { throw ConfigError(file: file, key: "query.lookback_delta", message: "must be positive") }
        if queryTimeoutMs <= 0 { throw ConfigError(file: file, key: "query.timeout", message: "must be positive") }
        if queryMaxSamples <= 0 { throw ConfigError(file: file, key: "query.max_samples", message: "must be positive") }
        if metricsTopic.isEmpty { throw ConfigError(file: file, key: "ingest.topic", message: "must not be empty") }
    }
}
