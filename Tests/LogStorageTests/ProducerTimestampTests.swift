import PetrelCore
import Testing
@testable import LogStorage
#if canImport(Glibc)
import Glibc
#endif

/// Batches whose producers leave maxTimestamp unset must not be taken for old data.
@Suite struct ProducerTimestampTests {
    static let hour: Int64 = 3_600_000

    static func wallNowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// A batch with maxTimestamp -1 and a CRC valid for that, as old sarama sends it.
    static func batchWithoutMaxTimestamp(_ records: [Record]) -> [UInt8] {
        var bytes: [UInt8] = []
        RecordBatch.encode(records, baseOffset: 0, into: &bytes)
        bytes.withUnsafeMutableBytes { buf in
            BigEndian.write(Int64(-1), into: buf, at: 35)
            RecordBatch.sealCRC(buf)
        }
        return bytes
    }

    static func store(_ dir: TemporaryDirectory, time: ManualTimeSource) throws -> (TopicStore, PartitionLog) {
        let store = try TopicStore(directory: dir.path, options: storeOptions(time: time))
        let config = TopicConfig(retentionMs: hour, retentionBytes: nil, segmentBytes: 4 * 1024, segmentMs: nil)
        return (store, try store.createTopic("events", config: config).partitions[0])
    }

    @Test("a produced batch with maxTimestamp -1 is stored with its records' newest timestamp and outlives retention")
    func repairedOnAppend() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let now = Self.wallNowMillis()
        let time = ManualTimeSource(nanos: now * 1_000_000)
        let (store, log) = try Self.store(dir, time: time)
        for _ in 0..<20 { _ = try await log.appendBatch(raw: Self.batchWithoutMaxTimestamp(makeRecords(10, size: 100, timestamp: now))) }
        #expect(log.segmentCount > 1)
        #expect(store.applyRetention().deletedSegments == 0)
        #expect(log.logStartOffset == 0)
        let stored = try log.read(from: 0, maxBytes: 1)
        #expect(stored.first?.timestamp == now)
        #expect(log.maxTimestampRecord()?.timestamp == now + 9)
        try store.close()
    }

    @Test("segments of records without timestamps age from the file's last write, as in Kafka")
    func untimedRecordsUseTheFileTime() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let now = Self.wallNowMillis()
        let time = ManualTimeSource(nanos: now * 1_000_000)
        let (store, log) = try Self.store(dir, time: time)
        for _ in 0..<20 { _ = try await log.append(makeRecords(10, size: 100, timestamp: -1).map { var r = $0; r.timestamp = -1; return r }) }
        #expect(log.segmentCount > 1)
        #expect(store.applyRetention().deletedSegments == 0, "written just now: nothing is old yet")
        time.advance(millis: 2 * Self.hour)
        #expect(store.applyRetention().deletedSegments > 0, "two hours after the last write they expire")
        try store.close()
    }
}
