import Foundation
import Logging
import PetrelCore
import LogStorage
@testable import Pipeline

/// A temporary data directory with a topic store, for runtime tests.
struct RuntimeFixture {
    let directory: String
    let topics: TopicStore

    init() throws {
        directory = NSTemporaryDirectory() + "petrel-runtime-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        topics = try TopicStore(directory: directory + "/topics", options: TopicStoreOptions(fsync: .never))
    }

    var environment: PipelineEnvironment { PipelineEnvironment(dataDir: directory) }

    func runtime() -> PipelineRuntime {
        PipelineRuntime(topics: topics, environment: environment, logger: Logger(label: "test"))
    }

    func context(_ id: String = "sink", kind: ComponentKind = .sink, type: String = "test") -> ComponentContext {
        ComponentContext(id: id, kind: kind, type: type, topics: topics, metrics: ComponentMetrics(id: id, kind: kind, type: type),
                         logger: Logger(label: "test"), timeSource: SystemTimeSource(), stateDirectory: directory,
                         environment: environment)
    }

    func cleanup() {
        try? topics.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Parses a pipeline from a YAML-shaped map with `registry`.
    func pipeline(_ root: [String: Any], registry: ComponentRegistry = RuntimeFixture.registry) throws -> PipelineConfig {
        var section = ConfigSection(file: "petrel.yaml", path: "", map: root)
        let (config, problems) = PipelineConfig.take(from: &section, registry: registry)
        if let first = problems.first { throw first }
        return try config.orThrow()
    }

    /// The standard registry plus the test components.
    static let registry: ComponentRegistry = {
        var registry = ComponentRegistry.standard
        registry.register(source: CountingSourceConfig.self)
        registry.register(sink: FlakySinkConfig.self)
        return registry
    }()

    /// Polls `condition` every 20 ms for at most `seconds`: a guard against hanging, not a time budget
    /// (it returns as soon as the condition holds, and a loaded test run can stall for several seconds).
    static func eventually(_ seconds: Double = 60, _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }
}

extension Optional {
    func orThrow() throws -> Wrapped {
        guard let self else { throw PipelineError(.invalidConfig, "missing value") }
        return self
    }
}

/// `type: counting`: sends `count` records `line-<n>` in batches of `batch`,
/// then idles until cancelled.
struct CountingSourceConfig: SourceConfig {
    static let type = "counting"
    let count: Int
    let batch: Int

    init(_ section: inout ConfigSection) throws {
        count = try section.int("count") ?? 100
        batch = try section.int("batch") ?? 10
    }

    func build(_ context: ComponentContext) throws -> any Source { CountingSource(count: count, batch: batch) }
}

struct CountingSource: Source {
    let count: Int
    let batch: Int

    func run(_ output: SourceOutput) async throws {
        var n = 0
        while n < count {
            let records = (n..<min(count, n + batch)).map { Record(timestamp: 0, value: Array("line-\($0)".utf8)) }
            try await output.send(records)
            n += records.count
        }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
    }
}

/// `type: flaky`: throws on its first `failures` writes, then keeps every
/// record it is given (in a shared box named by `name`).
struct FlakySinkConfig: SinkConfig {
    static let type = "flaky"
    let failures: Int
    let name: String

    init(_ section: inout ConfigSection) throws {
        failures = try section.int("failures") ?? 0
        name = try section.string("name") ?? "default"
    }

    func build(_ context: ComponentContext) throws -> any Sink {
        FlakySink(box: FlakySink.box(name), failures: failures)
    }
}

struct FlakySink: Sink {
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var values: [String] = []
        var attempts = 0
        func read<T>(_ body: (Box) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(self) }
    }

    nonisolated(unsafe) static var boxes: [String: Box] = [:]
    static let boxesLock = NSLock()

    static func box(_ name: String) -> Box {
        boxesLock.lock(); defer { boxesLock.unlock() }
        if let box = boxes[name] { return box }
        let box = Box()
        boxes[name] = box
        return box
    }

    let box: Box
    let failures: Int

    func write(_ records: [Record], from input: SinkInput) async throws {
        let fail = box.read { box -> Bool in
            box.attempts += 1
            return box.attempts <= failures
        }
        if fail { throw PipelineError(.writeFailed, "destination refused (test)") }
        box.read { box in box.values += records.map { String(decoding: $0.value ?? [], as: UTF8.self) } }
    }
}
