import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import PetrelCore

/// The composition root: builds every component from the configuration, wires
/// routes and services, and runs them until SIGINT/SIGTERM. Services start in
/// order and stop in reverse: HTTP stops accepting first, then the TSDB
/// consumer and maintenance, and the topic log is flushed and closed last.
public enum PetrelServer {
    /// The process-wide metrics registry behind `/metrics` (swift-metrics can be bootstrapped once).
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Builds the router with every Petrel route.
    public static func buildRouter(_ components: PetrelComponents) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HTTPMetricsMiddleware())
        IngestRoutes(components: components).register(on: router)
        QueryRoutes(components: components).register(on: router)
        OpsRoutes(components: components, registry: registry).register(on: router)
        WebRoutes(components: components).register(on: router)
        BrokerRoutes(components: components).register(on: router)
        PipelineRoutes(components: components).register(on: router)
        return router
    }

    /// The application: HTTP routes plus the storage services, which start in
    /// this order before the HTTP server and stop after it, in reverse.
    public static func buildApplication(_ components: PetrelComponents, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let config = components.config
        var services: [any Service] = [
            TopicStoreService(topics: components.topics, logger: components.logger),
            TSDBMaintenanceService(components: components),
            TSDBIngestService(components: components),
            PipelineService(components: components),
        ]
        if let broker = components.kafkaBroker {
            services.append(KafkaBrokerService(broker: broker, logger: components.logger))
        }
        return Application(
            router: buildRouter(components),
            configuration: .init(address: .hostname(config.httpAddress.host, port: config.httpAddress.port), serverName: "Petrel"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: components.logger)
    }

    /// Opens storage, recovers, serves until a shutdown signal, then flushes and returns.
    public static func run(config: ServerConfig, logger: Logger) async throws {
        _ = registry
        logger.info("petrel starting", metadata: [
            "version": "\(PetrelVersion.current)", "dataDir": "\(config.dataDir)",
            "http": "\(config.httpAddress)", "fsync": "\(config.fsync)",
        ])
        let components = try PetrelComponents(config: config, logger: logger)
        if let broker = components.kafkaBroker, let address = config.kafkaAddress {
            // Bind before serving anything: a taken Kafka port is a start-up error, like
            // a taken HTTP port, not a broker that silently is not there.
            do {
                _ = try await broker.bind()
            } catch {
                try? components.topics.close()
                throw ConfigError(file: "flags", key: "kafka_addr",
                                  message: "cannot listen on \(address) for Kafka clients (\(error)); choose another address with --kafka-addr HOST:PORT or turn the broker off with --kafka-addr off")
            }
        }
        let app = buildApplication(components) { port in
            logger.info("listening", metadata: ["http": "\(config.httpAddress.host):\(port)"])
        }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("petrel stopped")
    }
}
