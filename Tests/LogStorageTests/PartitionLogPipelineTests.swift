import PetrelCore
import Testing
@testable import LogStorage

/// Writing without waiting (`writeBatch` + `awaitDurable`) and the max-timestamp lookup.
@Suite struct PartitionLogPipelineTests {
    private func batch(_ timestamps: [Int64]) -> [UInt8] {
        var out: [UInt8] = []
        RecordBatch.encode(timestamps.map { Record(timestamp: $0, key: nil, value: Array("v\($0)".utf8)) },
                           baseOffset: 0, into: &out)
        return out
    }

    @Test("writeBatch assigns offsets in call order and awaitDurable makes them visible")
    func writeThenAwait() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: .interval(milliseconds: 60_000))
        let first = try log.writeBatch(raw: batch([1, 2]))
        let second = try log.writeBatch(raw: batch([3]))
        #expect(first == (0, 1) && second == (2, 2))
        #expect(log.logEndOffset == 3)
        #expect(log.highWatermark == 0)
        try await log.awaitDurable(second.lastOffset + 1)
        #expect(log.highWatermark == 3)
        // One fsync covered both writes.
        #expect(log.fsyncCount.load(ordering: .relaxed) == 1)
        #expect(try log.read(from: 0, maxBytes: 1 << 20).map(\.timestamp) == [1, 2, 3])
    }

    @Test("concurrent waiters of pipelined writes share group-commit fsyncs")
    func waitersShareFsyncs() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: .always)
        var targets: [Int64] = []
        for i in 0..<40 { targets.append(try log.writeBatch(raw: batch([Int64(i)])).lastOffset + 1) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for target in targets { group.addTask { try await log.awaitDurable(target) } }
            try await group.waitForAll()
        }
        #expect(log.highWatermark == 40)
        #expect(log.fsyncCount.load(ordering: .relaxed) <= 2)
    }

    @Test("the max-timestamp record is the earliest record with the largest timestamp")
    func maxTimestampRecord() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: TopicConfig(segmentBytes: 200))
        #expect(log.maxTimestampRecord() == nil)
        _ = try await log.appendBatch(raw: batch([100, 500, 200]))
        _ = try await log.appendBatch(raw: batch([300]))
        _ = try await log.appendBatch(raw: batch([500, 400]))
        #expect(log.segmentCount > 1)
        let found = try #require(log.maxTimestampRecord())
        #expect(found == (1, 500))
        _ = try await log.appendBatch(raw: batch([50, 900]))
        #expect(log.maxTimestampRecord().map { $0 == (7, 900) } == true)
    }

    @Test("the max-timestamp lookup ignores records not yet durable")
    func maxTimestampOnlyVisible() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: .interval(milliseconds: 60_000))
        let first = try log.writeBatch(raw: batch([10, 20]))
        try await log.awaitDurable(first.lastOffset + 1)
        _ = try log.writeBatch(raw: batch([99]))
        #expect(log.maxTimestampRecord().map { $0 == (1, 20) } == true)
    }
}
