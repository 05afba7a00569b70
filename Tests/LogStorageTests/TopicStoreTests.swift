import Foundation
import PetrelCore
import Testing
@testable import LogStorage

@Suite struct TopicStoreTests {
    @Test("topics are created with Kafka's name rules and reopen with their config")
    func createAndReopen() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let config = TopicConfig(partitions: 3, retentionMs: 1000, segmentBytes: 4096)
        do {
            let store = try TopicStore(directory: dir.path, options: storeOptions())
            let topic = try store.createTopic("metrics.cpu_v1-a", config: config)
            #expect(topic.partitions.count == 3)
            _ = try await topic.partitions[2].append(makeRecords(5))
            #expect(throws: LogStorageError.self) { try store.createTopic("metrics.cpu_v1-a") }
            for bad in ["", ".", "..", "a/b", "spaces here", String(repeating: "x", count: 250)] {
                #expect(throws: LogStorageError.self) { try store.createTopic(bad) }
            }
            #expect(throws: LogStorageError.self) { try store.createTopic("zero", config: TopicConfig(partitions: 0)) }
            _ = try store.topicOrCreate("auto")
            #expect(store.topicNames == ["auto", "metrics.cpu_v1-a"])
            try store.close()
        }
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        #expect(store.topicNames == ["auto", "metrics.cpu_v1-a"])
        let topic = try #require(store.topic("metrics.cpu_v1-a"))
        #expect(topic.config == config)
        #expect(topic.partitions[2].logEndOffset == 5)
        #expect(topic.partition(3) == nil)
        #expect(FileIO.exists("\(dir.path)/topics/metrics.cpu_v1-a/metrics.cpu_v1-a-2/00000000000000000000.log"))
        try store.close()
    }

    @Test("deleting a topic removes its files and offsets; appends to it then fail")
    func delete() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        let topic = try store.createTopic("gone")
        _ = try await topic.partitions[0].append(makeRecords(3))
        try store.commitOffset(group: "g", topic: "gone", partition: 0, offset: 2)
        try store.deleteTopic("gone")
        #expect(store.topic("gone") == nil)
        #expect(!FileIO.exists("\(dir.path)/topics/gone"))
        #expect(store.committedOffset(group: "g", topic: "gone", partition: 0) == nil)
        await #expect(throws: LogStorageError.self) { try await topic.partitions[0].append(makeRecords(1)) }
        #expect(throws: LogStorageError.self) { try store.deleteTopic("gone") }
        let again = try store.createTopic("gone")
        #expect(again.partitions[0].logEndOffset == 0)
        try store.close()
    }

    @Test("committed offsets and pins survive a reopen, including after an unclean stop")
    func offsetsSurvive() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        do {
            let store = try TopicStore(directory: dir.path, options: storeOptions())
            try store.commitOffset(group: "g1", topic: "t", partition: 0, offset: 10, metadata: "meta")
            try store.commitOffset(group: "g1", topic: "t", partition: 0, offset: 12)
            try store.commitOffset(group: "g2", topic: "t", partition: 1, offset: 7)
            try store.pin(group: "g1", topic: "t")
            // No close.
        }
        // A torn entry at the end is ignored.
        let path = "\(dir.path)/consumer-offsets.log"
        var bytes = try #require(try FileIO.readFile(path))
        bytes += [0, 0, 0, 40, 1, 2, 3]
        try FileIO.writeAtomically(bytes, to: path, directory: dir.path)
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        #expect(store.committedOffset(group: "g1", topic: "t", partition: 0) == 12)
        #expect(store.committed(group: "g1", topic: "t", partition: 0)?.metadata == "")
        #expect(store.committedOffset(group: "g2", topic: "t", partition: 1) == 7)
        #expect(store.committedOffset(group: "g3", topic: "t", partition: 0) == nil)
        #expect(store.offsets.protectedFrom(topic: "t", partition: 0) == 12)
        #expect(store.offsets.protectedFrom(topic: "t", partition: 1) == 0)
        #expect(store.offsets.protectedFrom(topic: "other", partition: 0) == nil)
        try store.close()
    }

    @Test("run applies retention in the background and returns when cancelled")
    func runLoop() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource(nanos: 0)
        var options = storeOptions(time: time)
        options.retentionCheckInterval = .milliseconds(20)
        let store = try TopicStore(directory: dir.path, options: options)
        let log = try store.createTopic("t", config: TopicConfig(retentionMs: 1000, segmentBytes: 4096, segmentMs: nil)).partitions[0]
        for _ in 0..<20 { _ = try await log.append(makeRecords(10, size: 100, timestamp: 0)) }
        time.advance(millis: 5000)
        let runner = Task { try await store.run() }
        var waited = 0
        while log.logStartOffset == 0 && waited < 200 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        #expect(log.logStartOffset == 200)
        runner.cancel()
        try await runner.value
        try store.close()
    }
}

@Suite struct TopicConfigTests {
    @Test("topic.json keys that are missing take defaults; null means no limit")
    func decoding() throws {
        let json = #"{"partitions": 4, "retentionBytes": null, "retentionMs": null}"#
        let config = try JSONDecoder().decode(TopicConfig.self, from: Data(json.utf8))
        #expect(config.partitions == 4)
        #expect(config.retentionMs == nil && config.retentionBytes == nil)
        #expect(config.segmentBytes == TopicConfig().segmentBytes)
        let round = try JSONDecoder().decode(TopicConfig.self, from: JSONEncoder().encode(config))
        #expect(round == config)
        let defaults = try JSONDecoder().decode(TopicConfig.self, from: Data("{}".utf8))
        #expect(defaults == TopicConfig())
    }
}
