import Foundation
import Logging
import PetrelCore
import LogStorage
import Synchronization

/// Runs a pipeline graph: one task per source, one consumer task per input
/// partition of each sink (partitions added later included, see
/// `SinkFeeder`). `apply` moves from the running graph to a new one, keeping
/// unchanged components running and swapping changed ones (their topics and
/// committed offsets stay, so nothing is lost or read twice beyond the
/// at-least-once window).
public final class PipelineRuntime: Sendable {
    public let topics: TopicStore
    public let environment: PipelineEnvironment
    let logger: Logger
    let timeSource: any TimeSource
    let state = Mutex(State())
    let rateBaseline = RateBaseline()
    private let reloading = Mutex(false)

    struct State {
        var config: PipelineConfig?
        var appliedAtMillis: Int64 = 0
        /// Why components of the current graph could not start, by id.
        var failures: [String: String] = [:]
        var running: [String: Running] = [:]
    }

    /// One started component.
    final class Running: Sendable {
        let component: PipelineConfig.Component
        let metrics: ComponentMetrics
        let sink: (any Sink)?
        let tasks: Mutex<[Task<Void, Never>]>
        let phase = Mutex(ComponentStatus.Phase.running)
        let startedAtMillis: Int64

        init(component: PipelineConfig.Component, metrics: ComponentMetrics, sink: (any Sink)?, startedAtMillis: Int64) {
            self.component = component
            self.metrics = metrics
            self.sink = sink
            self.tasks = Mutex([])
            self.startedAtMillis = startedAtMillis
        }

        func stop() async {
            let tasks = self.tasks.withLock { $0 }
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            await sink?.stop()
        }
    }

    /// What `apply` did.
    public struct Changes: Sendable, Equatable {
        public var started: [String] = []
        public var restarted: [String] = []
        public var stopped: [String] = []
        public var unchanged: [String] = []
        /// Components that could not be built, with the reason.
        public var failed: [String: String] = [:]
    }

    public init(topics: TopicStore, environment: PipelineEnvironment, logger: Logger,
                timeSource: any TimeSource = SystemTimeSource()) {
        self.topics = topics
        self.environment = environment
        self.logger = logger
        self.timeSource = timeSource
    }

    /// The graph now running, nil before the first `apply`.
    public var config: PipelineConfig? { state.withLock { $0.config } }

    /// When the graph was last applied (start or reload), Unix milliseconds; 0 before.
    public var appliedAtMillis: Int64 { state.withLock { $0.appliedAtMillis } }

    /// Moves to `config`: stops removed and changed components, then starts
    /// new and changed ones. `config` must have been validated.
    @discardableResult
    public func apply(_ config: PipelineConfig) async -> Changes {
        var changes = Changes()
        let (toStop, keep) = state.withLock { state -> ([Running], Set<String>) in
            var stop: [Running] = []
            var keep: Set<String> = []
            for (id, running) in state.running {
                if let next = config.component(id), next.fingerprint == running.component.fingerprint,
                   next.kind == running.component.kind, running.phase.withLock({ $0 }) != .failed {
                    keep.insert(id)
                } else {
                    stop.append(running)
                }
            }
            for running in stop { state.running[running.component.id] = nil }
            return (stop, keep)
        }
        // Sinks first, so a source swapped in the same reload never waits on a stopped reader.
        for running in toStop.sorted(by: { $0.component.kind == .sink && $1.component.kind != .sink }) {
            await running.stop()
            if config.component(running.component.id) == nil {
                changes.stopped.append(running.component.id)
                if running.component.kind == .sink { unpin(running.component) }
            } else {
                changes.restarted.append(running.component.id)
            }
        }
        for component in config.components {
            if keep.contains(component.id) {
                changes.unchanged.append(component.id)
                continue
            }
            do {
                let running = try start(component, config: config)
                state.withLock { $0.running[component.id] = running }
                if !changes.restarted.contains(component.id) { changes.started.append(component.id) }
            } catch {
                changes.failed[component.id] = "\(error)"
                changes.restarted.removeAll { $0 == component.id }
                logger.error("pipeline component failed to start", metadata: [
                    "component_id": "\(component.id)", "component_type": "\(component.type)", "error": "\(error)"])
            }
        }
        let now = timeSource.nowMillis()
        state.withLock {
            $0.config = config
            $0.appliedAtMillis = now
            $0.failures = changes.failed
        }
        logger.info("pipeline applied", metadata: [
            "file": "\(config.file)", "started": "\(changes.started)", "restarted": "\(changes.restarted)",
            "stopped": "\(changes.stopped)", "unchanged": "\(changes.unchanged.count)", "failed": "\(changes.failed.keys.sorted())"])
        return changes
    }

    /// Stops every component (sinks last, so they drain what sources wrote).
    public func stop() async {
        let all = state.withLock { state -> [Running] in
            let all = Array(state.running.values)
            state.running = [:]
            return all
        }
        for running in all where running.component.kind != .sink { await running.stop() }
        for running in all where running.component.kind == .sink { await running.stop() }
    }

    /// The counters of a running component (nil when it is not running).
    func componentMetrics(_ id: String) -> ComponentMetrics? {
        state.withLock { $0.running[id]?.metrics }
    }

    /// Every running component with its live figures, in config order.
    public func statuses() -> [ComponentStatus] {
        state.withLock { state in
            (state.config?.components ?? []).compactMap { component in
                guard let running = state.running[component.id] else {
                    return ComponentStatus(component: component, phase: .failed, metrics: nil, startedAtMillis: 0,
                                           failure: state.failures[component.id])
                }
                return ComponentStatus(component: running.component, phase: running.phase.withLock { $0 },
                                       metrics: running.metrics.snapshot, startedAtMillis: running.startedAtMillis)
            }
        }
    }

    /// Runs `body` (a reload: read, validate, apply) unless another reload is
    /// running; returns nil then.
    public func exclusiveReload<T: Sendable>(_ body: () async -> T) async -> T? {
        guard reloading.withLock({ busy in
            if busy { return false }
            busy = true
            return true
        }) else { return nil }
        defer { reloading.withLock { $0 = false } }
        return await body()
    }

    /// The consumer group under which a sink commits its input offsets.
    public static func group(ofSink id: String) -> String { "petrel-sink-\(id)" }

    // MARK: - Starting components

    private func start(_ component: PipelineConfig.Component, config: PipelineConfig) throws -> Running {
        let metrics = ComponentMetrics(id: component.id, kind: component.kind, type: component.type)
        var componentLogger = logger
        componentLogger[metadataKey: "component_id"] = "\(component.id)"
        componentLogger[metadataKey: "component_type"] = "\(component.type)"
        let stateDirectory = environment.dataDir + "/pipeline/" + component.id
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let context = ComponentContext(id: component.id, kind: component.kind, type: component.type, topics: topics,
                                       metrics: metrics, logger: componentLogger, timeSource: timeSource,
                                       stateDirectory: stateDirectory, environment: environment)
        switch component.settings {
        case .source(let settings):
            let source = try settings.build(context)
            let output = SourceOutput(topic: try topics.topicOrCreate(component.topic), metrics: metrics)
            let running = Running(component: component, metrics: metrics, sink: nil, startedAtMillis: timeSource.nowMillis())
            let task = Task { await Self.runSource(source, output: output, running: running, logger: componentLogger) }
            running.tasks.withLock { $0.append(task) }
            return running
        case .sink(let settings):
            let sink = try settings.build(context)
            let running = Running(component: component, metrics: metrics, sink: sink, startedAtMillis: timeSource.nowMillis())
            let group = Self.group(ofSink: component.id)
            var inputs: [SinkFeeder.Input] = []
            for inputId in component.inputs {
                guard let producer = config.component(inputId) else { continue }
                let topic = try topics.topicOrCreate(producer.topic)
                try topics.pin(group: group, topic: topic.name)
                inputs.append(SinkFeeder.Input(component: inputId, topic: topic))
            }
            let feeder = SinkFeeder(sink: sink, inputs: inputs, topics: topics, group: group, metrics: metrics,
                                    lag: LagBoard(), logger: componentLogger)
            running.tasks.withLock { $0 = [Task { await feeder.run() }] }
            return running
        }
    }

    /// Runs a source until cancelled; a failure is counted and the source
    /// starts again after a growing back-off (1 s up to 30 s).
    private static func runSource(_ source: any Source, output: SourceOutput, running: Running, logger: Logger) async {
        var backoff = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                try await source.run(output)
                if !Task.isCancelled {
                    running.phase.withLock { $0 = .finished }
                    logger.info("source finished")
                }
                return
            } catch {
                if Task.isCancelled { return }
                running.metrics.error("\(error)")
                logger.error("source failed; restarting", metadata: ["error": "\(error)", "backoff": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    private func unpin(_ component: PipelineConfig.Component) {
        let group = Self.group(ofSink: component.id)
        let inputTopics = Set(component.inputs.compactMap { id in config?.component(id)?.topic ?? id })
        for topic in inputTopics { try? topics.unpin(group: group, topic: topic) }
    }
}

/// One component as the pipeline API shows it.
public struct ComponentStatus: Sendable {
    public enum Phase: String, Sendable {
        case running
        /// A source whose input ended (a replay that reached its end).
        case finished
        /// Could not be built; `metrics.lastError` or the log says why.
        case failed
    }

    public let component: PipelineConfig.Component
    public let phase: Phase
    /// Nil when the component never started.
    public let metrics: ComponentMetrics.Snapshot?
    public let startedAtMillis: Int64
    /// Why the component could not start, when it could not.
    public var failure: String? = nil
}
