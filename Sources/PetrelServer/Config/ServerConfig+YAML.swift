import Foundation
import Logging
import PetrelCore
import LogStorage
import Yams
import Pipeline

extension ServerConfig {
    /// Reads `petrel.yaml` over the defaults. Unknown keys and bad values are
    /// errors naming the file and the key, so a typo never passes silently.
    /// Throws the first problem; `read(yaml:file:)` returns them all.
    public mutating func apply(yaml text: String, file: String) throws {
        if let first = read(yaml: text, file: file).first { throw first }
    }

    /// Reads `petrel.yaml` over the defaults and returns every problem found
    /// (empty when the file is valid): each key is checked on its own, so one
    /// typo does not hide the next. Values of keys with problems keep their defaults.
    public mutating func read(yaml text: String, file: String) -> [ConfigError] {
        configFile = file
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            return [ConfigError(file: file, key: "(document)", message: "not valid YAML: \(Self.describeYAMLError(error))")]
        }
        guard let root else { return [] }
        guard let map = root as? [String: Any] else {
            return [ConfigError(file: file, key: "(document)", message: "expected a mapping at the top level")]
        }
        var problems: [ConfigError] = []
        func check(_ body: () throws -> Void) {
            do {
                try body()
            } catch let error as ConfigError {
                problems.append(error)
            } catch {
                problems.append(ConfigError(file: file, key: "(document)", message: "\(error)"))
            }
        }
        var reader = ConfigSection(file: file, path: "", map: map)
        check { if let v = try reader.string("data_dir") { dataDir = v } }
        check {
            if let v = try reader.string("http_addr") {
                guard let hp = HostPort(v) else { throw reader.error("http_addr", "expected host:port, got \"\(v)\"") }
                httpAddress = hp
            }
        }
        check {
            if let v = try reader.string("kafka_addr") {
                if v.isEmpty || v == "off" {
                    kafkaAddress = nil
                } else {
                    guard let hp = HostPort(v) else { throw reader.error("kafka_addr", "expected host:port or off, got \"\(v)\"") }
                    kafkaAddress = hp
                }
            }
        }
        check {
            if var k = try reader.section("kafka") {
                check { if let v = try k.bool("auto_create_topics") { kafka.autoCreateTopics = v } }
                check { if let v = try k.int("default_partitions") { kafka.defaultPartitions = v } }
                check { if let v = try k.int("message_max_bytes") { kafka.messageMaxBytes = v } }
                check { if let v = try k.int("max_request_bytes") { kafka.maxRequestBytes = v } }
                check { if let v = try k.string("advertised_host") { kafka.advertisedHost = v } }
                try k.finish()
            }
        }
        check {
            if let v = try reader.string("log_level") {
                guard let level = Logger.Level(rawValue: v) else { throw reader.error("log_level", "expected one of trace, debug, info, notice, warning, error, critical") }
                logLevel = level
            }
        }
        check { if let v = try reader.string("dashboards") { dashboardsDir = v } }
        check { if let v = try reader.bool("default_pipeline") { defaultPipeline = v } }
        check {
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
        }
        check {
            if var ingest = try reader.section("ingest") {
                check { if let v = try ingest.int("max_body_bytes") { maxBodyBytes = v } }
                check { if let v = try ingest.bool("db_label") { dbLabel = v } }
                check { if let v = try ingest.string("topic") { metricsTopic = v } }
                check { if let v = try ingest.duration("topic_retention") { metricsTopicRetentionMs = v } }
                try ingest.finish()
            }
        }
        check {
            if var t = try reader.section("tsdb") {
                check { if let v = try t.duration("retention") { tsdb.retention = v } }
                check { if let v = try t.duration("block_duration") { tsdb.blockDuration = v } }
                check { if let v = try t.duration("out_of_order_window") { tsdb.outOfOrderWindow = v } }
                check { if let v = try t.int("max_series") { tsdb.maxSeries = v } }
                check { if let v = try t.int("max_series_per_metric") { tsdb.maxSeriesPerMetric = v } }
                check { if let v = try t.duration("maintenance_interval") { maintenanceIntervalMs = v } }
                try t.finish()
            }
        }
        check {
            if var q = try reader.section("query") {
                check { if let v = try q.duration("lookback_delta") { lookbackDeltaMs = v } }
                check { if let v = try q.duration("timeout") { queryTimeoutMs = v } }
                check { if let v = try q.int("max_samples") { queryMaxSamples = v } }
                try q.finish()
            }
        }
        let (graph, graphProblems) = PipelineConfig.take(from: &reader)
        problems += graphProblems
        pipeline = graph
        for unknown in reader.map.keys.sorted() { problems.append(reader.error(unknown, "unknown key")) }
        if problems.isEmpty { problems += validationProblems(file: file) }
        return problems
    }

    /// A Yams error as one line that names the line and column.
    static func describeYAMLError(_ error: any Error) -> String {
        guard let yaml = error as? YamlError else { return "\(error)" }
        switch yaml {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let what = context.map { "\($0.text) \(problem)" } ?? problem
            return "line \(mark.line), column \(mark.column): \(what)"
        default:
            return "\(yaml)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(yaml)"
        }
    }

    /// Checks the values that no single key can check alone; throws the first problem.
    public func validate(file: String = "flags") throws {
        if let first = validationProblems(file: file).first { throw first }
    }

    /// Every problem of values that no single key can check alone, among them
    /// pipeline sources listening on Petrel's own HTTP or Kafka address.
    public func validationProblems(file: String = "flags") -> [ConfigError] {
        var problems: [ConfigError] = []
        if maxBodyBytes < 1024 { problems.append(ConfigError(file: file, key: "ingest.max_body_bytes", message: "must be at least 1024")) }
        if tsdb.blockDuration < 60_000 { problems.append(ConfigError(file: file, key: "tsdb.block_duration", message: "must be at least 1m")) }
        if tsdb.retention < tsdb.blockDuration { problems.append(ConfigError(file: file, key: "tsdb.retention", message: "must be at least one block duration")) }
        if tsdb.maxSeries < 0 || tsdb.maxSeriesPerMetric < 0 { problems.append(ConfigError(file: file, key: "tsdb.max_series", message: "must not be negative")) }
        if !(1...10_000).contains(kafka.defaultPartitions) {
            problems.append(ConfigError(file: file, key: "kafka.default_partitions", message: "must be 1...10000"))
        }
        if kafka.messageMaxBytes < 1024 || kafka.maxRequestBytes < kafka.messageMaxBytes {
            problems.append(ConfigError(file: file, key: "kafka.message_max_bytes", message: "must be at least 1024 and at most kafka.max_request_bytes"))
        }

        if lookbackDeltaMs <= 0 { problems.append(ConfigError(file: file, key: "query.lookback_delta", message: "must be positive")) }
        if queryTimeoutMs <= 0 { problems.append(ConfigError(file: file, key: "query.timeout", message: "must be positive")) }
        if queryMaxSamples <= 0 { problems.append(ConfigError(file: file, key: "query.max_samples", message: "must be positive")) }
        if metricsTopic.isEmpty { problems.append(ConfigError(file: file, key: "ingest.topic", message: "must not be empty")) }
        if let pipeline {
            problems += pipeline.listenProblems(reserved: reservedListens)
        }
        return problems
    }

    /// Sockets Petrel itself listens on (HTTP, Kafka); pipeline sources may not take them.
    public var reservedListens: [ListenAddress] {
        var reserved = [ListenAddress(.tcp, host: httpAddress.host, port: httpAddress.port)]
        if let kafka = kafkaAddress { reserved.append(ListenAddress(.tcp, host: kafka.host, port: kafka.port)) }
        return reserved
    }

    /// `petrel.yaml: 2 sources, 1 sinks, OK`: what `petrel validate` prints for a valid file.
    public func summary(file: String) -> String {
        guard let pipeline else {
            return "\(file): 0 sources, 0 sinks, OK (no pipeline configured: the default pipeline runs)"
        }
        let sources = pipeline.components.filter { $0.kind == .source }.count
        let sinks = pipeline.components.filter { $0.kind == .sink }.count
        return "\(file): \(sources) sources, \(sinks) sinks, OK"
    }
}
