import PetrelCore
import Testing
@testable import LogStorage

@Suite("topic administration")
struct TopicAdminTests {
    @Test("adding partitions creates them, persists, and refuses shrinking or unknown topics")
    func addPartitions() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        do {
            let store = try TopicStore(directory: dir.path, options: storeOptions())
            try store.createTopic("t", config: TopicConfig(partitions: 2))
            try store.addPartitions("t", to: 4)
            let topic = try #require(store.topic("t"))
            #expect(topic.partitions.count == 4 && topic.config.partitions == 4)
            #expect(try await topic.partition(3)!.append(makeRecords(2)) == (0, 1))
            #expect(throws: LogStorageError.self) { try store.addPartitions("t", to: 4) }
            #expect(throws: LogStorageError.self) { try store.addPartitions("t", to: 1) }
            #expect(throws: LogStorageError.self) { try store.addPartitions("missing", to: 3) }
            try store.close()
        }
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        let topic = try #require(store.topic("t"))
        #expect(topic.partitions.count == 4)
        #expect(topic.partition(3)!.logEndOffset == 2)
    }

    @Test("altered settings are persisted and apply to live partitions")
    func alterConfig() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        do {
            let store = try TopicStore(directory: dir.path, options: storeOptions())
            let topic = try store.createTopic("t", config: TopicConfig(partitions: 1))
            let changed = try topic.config.applying(kafkaConfigs: [("max.message.bytes", "2048"), ("retention.ms", "-1"),
                                                                  ("retention.bytes", "1000000")])
            try store.alterConfig("t", changed)
            #expect(topic.config.maxMessageBytes == 2048 && topic.config.retentionMs == nil)
            var big: [UInt8] = []
            RecordBatch.encode(makeRecords(1, size: 4096), baseOffset: 0, into: &big)
            await #expect(throws: LogStorageError.self) { try await topic.partitions[0].appendBatch(raw: big) }
            #expect(throws: LogStorageError.self) { try store.alterConfig("missing", changed) }
            var bad = changed
            bad.segmentBytes = 1
            #expect(throws: LogStorageError.self) { try store.alterConfig("t", bad) }
            try store.close()
        }
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        let config = try #require(store.topic("t")).config
        #expect(config.maxMessageBytes == 2048 && config.retentionMs == nil && config.retentionBytes == 1_000_000)
    }

    @Test("Kafka config names map to settings; unknown names and bad values are refused")
    func kafkaConfigNames() throws {
        let config = TopicConfig()
        let changed = try config.applying(kafkaConfigs: [("segment.bytes", "1048576"), ("cleanup.policy", "delete")])
        #expect(changed.segmentBytes == 1_048_576)
        #expect(changed.kafkaConfigs.first { $0.name == "segment.bytes" }?.value == "1048576")
        #expect(try changed.applying(kafkaConfigs: [("segment.bytes", nil)]).segmentBytes == config.segmentBytes)
        #expect(throws: LogStorageError.self) { try config.applying(kafkaConfigs: [("compression.type", "gzip")]) }
        #expect(throws: LogStorageError.self) { try config.applying(kafkaConfigs: [("retention.ms", "soon")]) }
        #expect(throws: LogStorageError.self) { try config.applying(kafkaConfigs: [("cleanup.policy", "compact")]) }
    }

    @Test("producer ids are never handed out twice, even across restarts")
    func producerIds() throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        var seen: [Int64] = []
        do {
            let store = try TopicStore(directory: dir.path, options: storeOptions())
            seen.append(try store.allocateProducerId())
            seen.append(try store.allocateProducerId())
        }
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        seen.append(try store.allocateProducerId())
        #expect(seen == [0, 1, 2])
    }

    @Test("a group's offsets commit in one batch, list, and delete")
    func groupOffsets() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        do {
            let store = try TopicStore(directory: dir.path, options: storeOptions())
            try await store.commitOffsets(group: "g", [("a", 1, 10, "m"), ("a", 0, 5, ""), ("b", 0, 7, "")])
            try await store.commitOffsets(group: "h", [("a", 0, 1, "")])
            #expect(store.committedOffsets(group: "g").map(\.offset) == [5, 10, 7])
            #expect(store.groupsWithOffsets == ["g", "h"])
            try store.deleteOffsets(group: "h")
            await #expect(throws: LogStorageError.self) { try await store.commitOffsets(group: "g", [("a", 0, -2, "")]) }
            try store.close()
        }
        let store = try TopicStore(directory: dir.path, options: storeOptions())
        #expect(store.groupsWithOffsets == ["g"])
        #expect(store.committed(group: "g", topic: "a", partition: 1)! == (10, "m"))
    }
}
