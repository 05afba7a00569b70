import PetrelCore
import Testing
@testable import LogStorage

@Suite struct RetentionTests {
    static let hour: Int64 = 3_600_000

    /// A store whose one topic rolls a segment every 10 batches of 10 records of ~100 bytes.
    static func store(_ dir: TemporaryDirectory, time: ManualTimeSource, retentionMs: Int64?, retentionBytes: Int64?) throws -> (TopicStore, PartitionLog) {
        let store = try TopicStore(directory: dir.path, options: storeOptions(time: time))
        let config = TopicConfig(retentionMs: retentionMs, retentionBytes: retentionBytes, segmentBytes: 12 * 1024, segmentMs: nil)
        let topic = try store.createTopic("events", config: config)
        return (store, topic.partitions[0])
    }

    static func fill(_ log: PartitionLog, batches: Int, timestamp: Int64) async throws {
        for _ in 0..<batches { _ = try await log.append(makeRecords(10, size: 100, timestamp: timestamp)) }
    }

    @Test("time retention deletes closed segments older than retentionMs and moves logStartOffset")
    func byTime() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource(nanos: 0)
        let (store, log) = try Self.store(dir, time: time, retentionMs: Self.hour, retentionBytes: nil)
        let start = time.nowMillis()
        try await Self.fill(log, batches: 50, timestamp: start)
        let oldEnd = log.logEndOffset
        time.advance(millis: 2 * Self.hour)
        try await Self.fill(log, batches: 5, timestamp: time.nowMillis())
        let segmentsBefore = log.segmentCount
        #expect(store.applyRetention().deletedSegments > 0)
        #expect(log.segmentCount < segmentsBefore)
        #expect(log.logStartOffset > 0 && log.logStartOffset <= oldEnd)
        #expect(throws: LogStorageError.self) { try log.read(from: 0, maxBytes: 100) }
        #expect(try log.read(from: log.logStartOffset, maxBytes: 1).first?.offset == log.logStartOffset)
        // Records newer than retention stay.
        #expect(log.logEndOffset - log.logStartOffset >= 50)
        try store.close()
    }

    @Test("size retention deletes the oldest segments while the partition is over retentionBytes")
    func bySize() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource(nanos: 0)
        let (store, log) = try Self.store(dir, time: time, retentionMs: nil, retentionBytes: 30 * 1024)
        try await Self.fill(log, batches: 100, timestamp: time.nowMillis())
        #expect(log.sizeBytes > 30 * 1024)
        let outcome = store.applyRetention()
        #expect(outcome.deletedSegments > 0)
        #expect(outcome.forcedLossRecords == 0)
        #expect(log.sizeBytes <= 30 * 1024)
        #expect(log.logEndOffset == 1000)
        try store.close()
    }

    @Test("an expired active segment is rolled and deleted too")
    func expiredActive() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource(nanos: 0)
        let (store, log) = try Self.store(dir, time: time, retentionMs: Self.hour, retentionBytes: nil)
        try await Self.fill(log, batches: 3, timestamp: time.nowMillis())
        time.advance(millis: 2 * Self.hour)
        store.applyRetention()
        #expect(log.logStartOffset == 30 && log.logEndOffset == 30 && log.segmentCount == 1)
        #expect(try log.read(from: 30, maxBytes: 100).isEmpty)
        try store.close()
    }

    @Test("time retention keeps what a pinned group has not committed past")
    func pinned() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource(nanos: 0)
        let (store, log) = try Self.store(dir, time: time, retentionMs: Self.hour, retentionBytes: nil)
        try store.pin(group: "tsdb", topic: "events")
        try await Self.fill(log, batches: 50, timestamp: time.nowMillis())
        time.advance(millis: 2 * Self.hour)
        try await Self.fill(log, batches: 1, timestamp: time.nowMillis())
        #expect(store.applyRetention().deletedSegments == 0)
        #expect(log.logStartOffset == 0)
        // Committing to 250 frees the segments that end at or before it.
        try store.commitOffset(group: "tsdb", topic: "events", partition: 0, offset: 250)
        #expect(store.applyRetention().deletedSegments > 0)
        #expect(log.logStartOffset > 0 && log.logStartOffset <= 250)
        try store.close()
    }

    @Test("size retention deletes past a pinned group and counts the forced loss")
    func forcedLoss() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource(nanos: 0)
        let (store, log) = try Self.store(dir, time: time, retentionMs: nil, retentionBytes: 30 * 1024)
        try store.pin(group: "tsdb", topic: "events")
        try store.commitOffset(group: "tsdb", topic: "events", partition: 0, offset: 100)
        try await Self.fill(log, batches: 100, timestamp: time.nowMillis())
        let outcome = store.applyRetention()
        #expect(outcome.deletedSegments > 0)
        #expect(outcome.forcedLossRecords == log.logStartOffset - 100)
        #expect(outcome.forcedLossRecords > 0)
        try store.close()
    }
}
