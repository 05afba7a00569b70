import ArgumentParser
import Foundation
import Logging
import LogStorage
import PetrelCore
import PetrelServer

/// `petrel`: one binary for the whole metrics stack. With no subcommand it serves.
@main
struct Petrel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "petrel",
        abstract: "Collect, stream, store, query and see metrics — one binary.",
        version: PetrelVersion.current,
        subcommands: [Serve.self, ValidateCommand.self, QueryCommand.self, Topics.self, Produce.self, Consume.self, Version.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server with its embedded topic log, TSDB and APIs.")

    @Option(name: .customLong("config"), help: "YAML configuration file (petrel.yaml). Flags override it.")
    var configFile: String?

    @Option(name: .customLong("data-dir"), help: "Where topics and the TSDB live. Default ./petrel-data")
    var dataDir: String?

    @Option(name: .customLong("http-addr"), help: "HTTP listen address host:port. Default 127.0.0.1:7070")
    var httpAddr: String?

    @Option(name: .customLong("kafka-addr"), help: "Kafka protocol listen address host:port, or off. Default 127.0.0.1:9092")
    var kafkaAddr: String?

    @Option(name: .customLong("fsync"), help: "always | interval | interval:<duration> | never. Default interval (100ms)")
    var fsync: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Default info")
    var logLevel: String?

    @Option(name: .customLong("max-body-bytes"), help: "Largest accepted request body, before and after gzip. Default 26214400")
    var maxBodyBytes: Int?

    @Flag(name: .customLong("db-label"), help: "Add the write's db (v1) or bucket (v2) as a `db` label.")
    var dbLabel = false

    @Option(name: .customLong("retention"), help: "TSDB retention, e.g. 15d. Default 15d")
    var retention: String?

    @Option(name: .customLong("out-of-order-window"), help: "How far behind the newest sample the TSDB head merges late samples in memory. Default 1h")
    var outOfOrderWindow: String?

    @Option(name: .customLong("max-series"), help: "Most series the TSDB accepts in total (0 = unlimited)")
    var maxSeries: Int?

    @Option(name: .customLong("max-series-per-metric"), help: "Most series per metric name (0 = unlimited)")
    var maxSeriesPerMetric: Int?

    @Option(name: .customLong("dashboards"), help: "Directory of Grafana-model dashboard JSON files to provision (read-only).")
    var dashboards: String?

    @Flag(name: .customLong("no-default-pipeline"), help: "Without sources:/sinks: in the config, run no pipeline (instead of host metrics and the self-scrape).")
    var noDefaultPipeline = false

    @Option(name: .customLong("query-lookback-delta"), help: "How far back an instant selector looks for a sample. Default 5m")
    var queryLookbackDelta: String?

    @Option(name: .customLong("query-timeout"), help: "Longest a query may run (a request's timeout can only shorten it). Default 2m")
    var queryTimeout: String?

    @Option(name: .customLong("query-max-samples"), help: "Most samples one query may hold in memory. Default 50000000")
    var queryMaxSamples: Int?

    func resolvedConfig() throws -> ServerConfig {
        var config = ServerConfig()
        if let configFile {
            let text: String
            do {
                text = try String(contentsOfFile: configFile, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read config file \(configFile): \(error.localizedDescription)")
            }
            let problems = config.read(yaml: text, file: configFile)
            if !problems.isEmpty { throw ValidationError(problems.map(\.description).joined(separator: "\n")) }
        }
        if let dataDir { config.dataDir = dataDir }
        if let httpAddr {
            guard let hp = HostPort(httpAddr) else { throw ValidationError("--http-addr: expected host:port, got \"\(httpAddr)\"") }
            config.httpAddress = hp
        }
        if let kafkaAddr {
            if kafkaAddr.isEmpty || kafkaAddr == "off" {
                config.kafkaAddress = nil
            } else {
                guard let hp = HostPort(kafkaAddr) else { throw ValidationError("--kafka-addr: expected host:port or off, got \"\(kafkaAddr)\"") }
                config.kafkaAddress = hp
            }
        }
        if let fsync {
            guard let policy = FsyncPolicy(text: fsync) else { throw ValidationError("--fsync: expected always, interval, interval:<duration> or never, got \"\(fsync)\"") }
            config.fsync = policy
        }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level \"\(logLevel)\"") }
            config.logLevel = level
        }
        if let maxBodyBytes { config.maxBodyBytes = maxBodyBytes }
        if let dashboards { config.dashboardsDir = dashboards }
        if noDefaultPipeline { config.defaultPipeline = false }
        if dbLabel { config.dbLabel = true }
        if let retention {
            guard let ms = DurationText.millis(retention) else { throw ValidationError("--retention: expected a duration such as 15d, got \"\(retention)\"") }
            config.tsdb.retention = ms
        }
        if let outOfOrderWindow {
            guard let ms = DurationText.millis(outOfOrderWindow) else { throw ValidationError("--out-of-order-window: expected a duration such as 1h, got \"\(outOfOrderWindow)\"") }
            config.tsdb.outOfOrderWindow = ms
        }
        if let maxSeries { config.tsdb.maxSeries = maxSeries }
        if let maxSeriesPerMetric { config.tsdb.maxSeriesPerMetric = maxSeriesPerMetric }
        if let queryLookbackDelta {
            guard let ms = DurationText.millis(queryLookbackDelta), ms > 0 else { throw ValidationError("--query-lookback-delta: expected a positive duration such as 5m, got \"\(queryLookbackDelta)\"") }
            config.lookbackDeltaMs = ms
        }
        if let queryTimeout {
            guard let ms = DurationText.millis(queryTimeout), ms > 0 else { throw ValidationError("--query-timeout: expected a positive duration such as 2m, got \"\(queryTimeout)\"") }
            config.queryTimeoutMs = ms
        }
        if let queryMaxSamples {
            guard queryMaxSamples > 0 else { throw ValidationError("--query-max-samples: must be positive") }
            config.queryMaxSamples = queryMaxSamples
        }
        try config.validate()
        return config
    }

    func run() async throws {
        let config: ServerConfig
        do {
            config = try resolvedConfig()
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        let level = config.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StructuredLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "petrel")
        logger.logLevel = level
        try await PetrelServer.run(config: config, logger: logger)
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Petrel's version.")
    func run() { print("petrel \(PetrelVersion.current)") }
}
