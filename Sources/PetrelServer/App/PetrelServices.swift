import Logging
import ServiceLifecycle
import LogStorage
import TSDB
import NIOPosix

/// Runs the topic log's background work (group-commit fsyncs, retention) and
/// closes it last on shutdown, after every producer and consumer has stopped.
struct TopicStoreService: Service {
    let topics: TopicStore
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await topics.run()
        }
        try topics.close()
        logger.info("topic log closed")
    }
}

/// Cuts TSDB blocks, compacts and applies retention on a timer, off the
/// cooperative pool, then records the TSDB's replay offset as its committed
/// consumer offset so topic retention keeps what a restart would need.
struct TSDBMaintenanceService: Service {
    let components: PetrelComponents

    func run() async throws {
        let interval = Duration.milliseconds(components.config.maintenanceIntervalMs)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if Task.isCancelled || Task.isShuttingDownGracefully { break }
            await maintainOnce()
        }
        try components.tsdb.close()
        components.logger.info("tsdb closed")
    }

    func maintainOnce() async {
        let tsdb = components.tsdb
        do {
            try await NIOThreadPool.singleton.runIfActive { try tsdb.maintain() }
            try components.topics.commitOffset(
                group: TSDBIngestService.consumerGroup, topic: components.config.metricsTopic,
                partition: 0, offset: tsdb.replayOffset)
        } catch {
            components.logger.error("tsdb maintenance failed", metadata: ["error": "\(error)"])
        }
    }
}
