import Broker
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import LogStorage
import TSDB
import NIOPosix
import Pipeline

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
            await components.maintainTSDB()
        }
        try components.tsdb.close()
        components.logger.info("tsdb closed")
    }
}

extension PetrelComponents {
    /// Cuts blocks, compacts and applies retention off the cooperative pool, then
    /// commits the TSDB's replay offset as its consumer offset. Called by the timer
    /// and, under a large import, by the consumer; runs never overlap.
    func maintainTSDB() async {
        guard maintenanceRunning.withLock({ running in
            if running { return false }
            running = true
            return true
        }) else { return }
        defer { maintenanceRunning.withLock { $0 = false } }
        let tsdb = self.tsdb
        do {
            try await NIOThreadPool.singleton.runIfActive { try tsdb.maintain() }
            try topics.commitOffset(group: TSDBIngestService.consumerGroup, topic: config.metricsTopic,
                                    partition: 0, offset: tsdb.replayOffset)
        } catch {
            logger.error("tsdb maintenance failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Runs the embedded Kafka broker beside the HTTP server: it starts after the
/// topic store and stops (listener closed, connections ended) before the
/// store closes. The port is bound before start-up completes (`PetrelServer.run`),
/// so a taken port stops Petrel with an error; a failure while serving is logged
/// and the rest of Petrel keeps serving.
struct KafkaBrokerService: Service {
    let broker: KafkaBroker
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await broker.run()
            }
        } catch is CancellationError {
        } catch {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            logger.error("kafka broker failed; Petrel goes on without it", metadata: ["error": "\(error)"])
            // Returning would end the whole service group: idle until shutdown instead.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(100 * 365 * 86_400)) }
        }
        logger.info("kafka broker stopped")
    }
}

/// Runs the pipeline graph (petrel.yaml's, or the default pipeline) from
/// the start of the topic log until shutdown; its components stop before the
/// topic log closes. SIGHUP reloads the pipeline from the `--config` file
/// (problems are logged and the running graph stays).
struct PipelineService: Service {
    let components: PetrelComponents

    func run() async throws {
        await components.startPipeline()
        signal(SIGHUP, SIG_IGN)
        let hangups = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        hangups.setEventHandler { continuation.yield() }
        hangups.resume()
        await cancelWhenGracefulShutdown {
            for await _ in stream {
                await reload()
            }
        }
        hangups.cancel()
        continuation.finish()
        await components.pipeline.stop()
        components.logger.info("pipeline stopped")
    }

    /// A SIGHUP reload: its outcome goes to the log.
    private func reload() async {
        let logger = components.logger
        switch await components.reloadPipeline() {
        case .applied(let file, let changes):
            logger.info("pipeline reloaded on SIGHUP", metadata: [
                "file": "\(file)", "started": "\(changes.started)", "restarted": "\(changes.restarted)",
                "stopped": "\(changes.stopped)", "failed": "\(changes.failed)"])
        case .invalid(let problems):
            for problem in problems {
                logger.error("pipeline reload refused; the running pipeline stays", metadata: ["problem": "\(problem)"])
            }
        case .busy:
            logger.warning("pipeline reload on SIGHUP skipped: another reload is running")
        }
    }
}
