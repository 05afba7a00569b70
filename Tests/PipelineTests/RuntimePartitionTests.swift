import Foundation
import Testing
import PetrelCore
import LogStorage
@testable import Pipeline

@Suite struct RuntimePartitionTests {
    @Test func aSinkReadsPartitionsAddedToItsInputAfterItStarted() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let name = UUID().uuidString
        let config = try fixture.pipeline([
            "sources": ["ext": ["type": "external"]],
            "sinks": ["out": ["type": "flaky", "inputs": ["ext"], "name": name]],
        ])
        let runtime = fixture.runtime()
        await runtime.apply(config)
        let topic = try #require(fixture.topics.topic("ext"))
        _ = try await topic.partitions[0].append([Record(timestamp: 0, value: Array("first".utf8))])
        let box = FlakySink.box(name)
        #expect(await RuntimeFixture.eventually { box.read { $0.values } == ["first"] })

        try fixture.topics.addPartitions("ext", to: 3)
        _ = try await topic.partitions[2].append([Record(timestamp: 0, value: Array("third".utf8))])
        _ = try await topic.partitions[1].append([Record(timestamp: 0, value: Array("second".utf8))])
        #expect(await RuntimeFixture.eventually { box.read { $0.values.count } == 3 })
        #expect(Set(box.read { $0.values }) == ["first", "second", "third"])
        await runtime.stop()
        #expect(fixture.topics.committedOffset(group: PipelineRuntime.group(ofSink: "out"), topic: "ext", partition: 2) == 1)
    }

    @Test func aRestartedSinkResumesAddedPartitionsAtItsCommittedOffset() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let name = UUID().uuidString
        let config = try fixture.pipeline([
            "sources": ["ext": ["type": "external"]],
            "sinks": ["out": ["type": "flaky", "inputs": ["ext"], "name": name]],
        ])
        let first = fixture.runtime()
        await first.apply(config)
        try fixture.topics.addPartitions("ext", to: 2)
        let topic = try #require(fixture.topics.topic("ext"))
        _ = try await topic.partitions[1].append([Record(timestamp: 0, value: Array("a".utf8))])
        let box = FlakySink.box(name)
        #expect(await RuntimeFixture.eventually { box.read { $0.values } == ["a"] })
        await first.stop()

        _ = try await topic.partitions[1].append([Record(timestamp: 0, value: Array("b".utf8))])
        let second = fixture.runtime()
        await second.apply(config)
        #expect(await RuntimeFixture.eventually { box.read { $0.values.count } >= 2 })
        #expect(box.read { $0.values } == ["a", "b"])
        await second.stop()
    }
}
