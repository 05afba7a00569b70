import Foundation
import Logging
import Testing
import PetrelCore
import LogStorage
@testable import Pipeline

@Suite struct RuntimeTests {
    @Test func aRefusingSinkIsRetriedWithoutSkippingAndErrorsAreCounted() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let name = UUID().uuidString
        let config = try fixture.pipeline([
            "sources": ["src": ["type": "counting", "count": 50, "batch": 5]],
            "sinks": ["out": ["type": "flaky", "inputs": ["src"], "failures": 3, "name": name]],
        ])
        let runtime = fixture.runtime()
        await runtime.apply(config)
        let box = FlakySink.box(name)
        let done = await RuntimeFixture.eventually { box.read { $0.values.count } >= 50 }
        #expect(done)
        #expect(box.read { $0.values } == (0..<50).map { "line-\($0)" })
        let sink = try #require(runtime.statuses().first { $0.component.id == "out" })
        #expect(sink.metrics?.errors == 3)
        #expect(sink.metrics?.lastError?.contains("destination refused") == true)
        await runtime.stop()
    }

    @Test func sourceOutputPassesOnTheStoresRefusal() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let topic = try fixture.topics.topicOrCreate("src")
        let metrics = ComponentMetrics(id: "src", kind: .source, type: "test")
        let output = SourceOutput(topic: topic, metrics: metrics)
        try await output.send([Record(timestamp: 0, value: [1])])
        try fixture.topics.close()
        await #expect(throws: (any Error).self) { try await output.send([Record(timestamp: 0, value: [2])]) }
        #expect(metrics.snapshot.eventsOut == 1)
    }

    @Test func applyKeepsUnchangedAndRestartsChangedComponentsWithoutLoss() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let path = fixture.directory + "/out.log"
        func graph(_ encoding: String) throws -> PipelineConfig {
            try fixture.pipeline([
                "sources": ["src": ["type": "counting", "count": 200, "batch": 10]],
                "sinks": ["out": ["type": "file", "inputs": ["src"], "path": path, "encoding": encoding]],
            ])
        }
        let runtime = fixture.runtime()
        let first = await runtime.apply(try graph("auto"))
        #expect(first.started == ["src", "out"])
        let second = await runtime.apply(try graph("raw"))
        #expect(second.unchanged == ["src"])
        #expect(second.restarted == ["out"])
        let lines = { (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? [] }
        #expect(await RuntimeFixture.eventually { Set(lines()).count == 200 })
        #expect(Set(lines()) == Set((0..<200).map { "line-\($0)" }))
        let third = await runtime.apply(try fixture.pipeline(["sources": ["src": ["type": "counting", "count": 200, "batch": 10]],
                                                               "sinks": ["bh": ["type": "blackhole", "inputs": ["src"]]]]))
        #expect(third.stopped == ["out"])
        #expect(third.started == ["bh"])
        await runtime.stop()
    }

    @Test func snapshotListsTopicsEdgesAndRates() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let runtime = fixture.runtime()
        await runtime.apply(try fixture.pipeline([
            "sources": ["src": ["type": "counting", "count": 30, "batch": 10]],
            "sinks": ["bh": ["type": "blackhole", "inputs": ["src"]],
                      "copy": ["type": "topic", "inputs": ["src"], "topic": "copied"]],
        ]))
        #expect(await RuntimeFixture.eventually { runtime.snapshot().components.first { $0.status.component.id == "bh" }?.status.metrics?.eventsOut == 30 })
        let snapshot = runtime.snapshot()
        #expect(snapshot.file == "petrel.yaml")
        #expect(snapshot.reloadedAtMillis > 0)
        #expect(snapshot.components.map(\.status.component.id) == ["src", "bh", "copy"])
        #expect(snapshot.topics.map(\.name) == ["src", "copied"])
        #expect(snapshot.topics.first?.endOffset == 30)
        #expect(snapshot.edges == [.init(from: "src", to: "bh", topic: "src"), .init(from: "src", to: "copy", topic: "src")])
        await runtime.stop()
    }

    @Test func ratesComeFromSnapshotsAtLeastASecondApart() {
        let baseline = RateBaseline()
        #expect(baseline.rates(at: 1000, counters: ["a": (0, 0)]).isEmpty)
        #expect(baseline.rates(at: 1500, counters: ["a": (100, 100)]).isEmpty)
        let rates = baseline.rates(at: 3000, counters: ["a": (100, 300)])
        #expect(rates["a"]?.eventsIn == 50)
        #expect(rates["a"]?.eventsOut == 150)
        // A restarted component's counters start again from zero.
        #expect(baseline.rates(at: 4000, counters: ["a": (0, 0)])["a"]?.eventsOut == 0)
    }

    @Test func defaultPipelineScrapesItselfAndTheHostIntoTheTSDB() throws {
        let environment = PipelineEnvironment(dataDir: "/tmp/x", httpAddress: "127.0.0.1:7171")
        let document = DefaultPipeline.document(environment)
        let sources = try #require(document["sources"] as? [String: Any])
        let host = try #require(sources["host"] as? [String: Any])
        let scrape = try #require(sources["petrel"] as? [String: Any])
        #expect(host["type"] as? String == "host")
        #expect(host["interval"] as? String == "10s")
        #expect(scrape["type"] as? String == "prometheus_scrape")
        #expect(scrape["targets"] as? [String] == ["http://127.0.0.1:7171/metrics"])
        #expect(scrape["job"] as? String == "petrel")
        let sinks = try #require(document["sinks"] as? [String: Any])
        let db = try #require(sinks["db"] as? [String: Any])
        #expect(db["type"] as? String == "tsdb")
        #expect(db["inputs"] as? [String] == ["host", "petrel"])
        let text = DefaultPipeline.yaml(environment)
        #expect(text.contains("sources:\n  host:\n    interval: 10s\n    type: host\n"))
        #expect(text.contains("targets: [\"http://127.0.0.1:7171/metrics\"]"))
    }

    @Test func defaultPipelineLeavesOutTypesNotRegistered() throws {
        var registry = ComponentRegistry.standard
        registry.register(source: FakeHostConfig.self)
        let config = try #require(DefaultPipeline.config(PipelineEnvironment(dataDir: "/tmp/x"), registry: registry,
                                                          logger: Logger(label: "test")))
        #expect(config.file == DefaultPipeline.file)
        #expect(config.components.map(\.id) == ["host", "db"])
        #expect(config.component("db")?.inputs == ["host"])
        #expect(DefaultPipeline.config(PipelineEnvironment(dataDir: "/tmp/x"), registry: ComponentRegistry(),
                                       logger: Logger(label: "test")) == nil)
    }
}

/// Stands in for the `host` source in the default-pipeline test.
struct FakeHostConfig: SourceConfig {
    static let type = "host"
    init(_ section: inout ConfigSection) throws { _ = try section.duration("interval") }
    func build(_ context: ComponentContext) throws -> any Source { CountingSource(count: 0, batch: 1) }
}
