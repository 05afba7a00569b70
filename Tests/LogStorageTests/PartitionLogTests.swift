import PetrelCore
import Testing
@testable import LogStorage

@Suite struct PartitionLogTests {
    @Test("appends get dense offsets and read back in order")
    func appendAndRead() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        let first = try await log.append(makeRecords(3))
        let second = try await log.append(makeRecords(2, tag: "s"))
        #expect(first == (0, 2) && second == (3, 4))
        #expect(log.logEndOffset == 5 && log.highWatermark == 5)
        let records = try log.read(from: 0, maxBytes: 1 << 20)
        #expect(records.map(\.offset) == [0, 1, 2, 3, 4])
        #expect(records[3].value.map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("s0-") == true)
        #expect(try log.read(from: 4, maxBytes: 1).map(\.offset) == [4])
        #expect(try log.read(from: 5, maxBytes: 1 << 20).isEmpty)
    }

    @Test("reads outside the log are out of range")
    func outOfRange() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.append(makeRecords(2))
        #expect(throws: LogStorageError.self) { try log.read(from: 3, maxBytes: 100) }
        do { _ = try log.readRaw(from: -1, maxBytes: 100) } catch let error as LogStorageError {
            #expect(error.code == .offsetOutOfRange)
        }
    }

    @Test("appends roll segments at segmentBytes and reads cross them")
    func rolls() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let config = TopicConfig(segmentBytes: 4096)
        let log = try openPartition(dir.path, config: config)
        for i in 0..<50 { _ = try await log.append(makeRecords(5, size: 100, tag: "b\(i)-")) }
        #expect(log.segmentCount > 5)
        #expect(log.logEndOffset == 250)
        var offset: Int64 = 0
        var seen: [Int64] = []
        while offset < log.highWatermark {
            let records = try log.read(from: offset, maxBytes: 700)
            #expect(!records.isEmpty)
            seen += records.map(\.offset)
            offset = records.last!.offset + 1
        }
        #expect(seen == Array(0..<250))
        // Reading from the middle of a batch starts with that record.
        #expect(try log.read(from: 123, maxBytes: 10).first?.offset == 123)
        // A rolled segment's index files are written when it is sealed, after the roll; a flush waits for that.
        try log.flush()
        let names = try DirectoryListing.names(in: dir.path)
        #expect(names.contains("00000000000000000000.log"))
        #expect(names.contains("00000000000000000000.index"))
    }

    @Test("readRaw returns whole batches that decode and respects maxBytes after the first")
    func readRaw() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        for _ in 0..<10 { _ = try await log.append(makeRecords(10, size: 100)) }
        let raw = try log.readRaw(from: 15, maxBytes: 10)
        let header = try #require(raw.withUnsafeBytes { RecordBatch.parseHeader($0) })
        #expect(header.baseOffset == 10 && header.totalSize == raw.count)
        let more = try log.readRaw(from: 0, maxBytes: 3 * raw.count)
        #expect(more.count == 3 * raw.count)
        #expect(try more.withUnsafeBytes { try RecordBatch.decodeAll($0) }.map(\.offset) == Array(0..<30))
    }

    @Test("index lookups find offsets and timestamps in large segments")
    func indexLookups() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: TopicConfig(segmentBytes: 256 * 1024))
        for i in 0..<400 {
            _ = try await log.append(makeRecords(4, size: 200, timestamp: 1_000_000 + Int64(i) * 10))
        }
        let indexed = log.state.withLock { $0.segments.reduce(0) { $0 + $1.index.count } }
        #expect(indexed > 50)
        for target in [0, 1, 399, 400, 777, 1599] as [Int64] {
            #expect(try log.read(from: target, maxBytes: 1).first?.offset == target)
        }
        // Batch i has timestamps 1_000_000 + 10i ... + 3.
        #expect(log.offset(atOrAfterTimestamp: 0) == 0)
        #expect(log.offset(atOrAfterTimestamp: 1_000_000 + 2500) == 1000)
        #expect(log.offset(atOrAfterTimestamp: 1_000_000 + 2502) == 1002)
        #expect(log.offset(atOrAfterTimestamp: 1_000_000 + 2504) == 1004)
        #expect(log.offset(atOrAfterTimestamp: 9_000_000) == nil)
    }

    @Test("a raw Kafka batch keeps its bytes; only the base offset changes")
    func appendRaw() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.append(makeRecords(3))
        var batch: [UInt8] = []
        RecordBatch.encode(makeRecords(4), baseOffset: 0, into: &batch, compression: .gzip, producerId: 5)
        let range = try await log.appendBatch(raw: batch)
        #expect(range == (3, 6))
        let raw = try log.readRaw(from: 3, maxBytes: 1 << 20)
        #expect(Array(raw[8...]) == Array(batch[8...]))
        #expect(try log.read(from: 3, maxBytes: 1 << 20).map(\.offset) == [3, 4, 5, 6])
    }

    @Test("a raw batch with a bad CRC or framing is rejected")
    func appendRawRejects() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        var batch: [UInt8] = []
        RecordBatch.encode(makeRecords(2), baseOffset: 0, into: &batch)
        var flipped = batch
        flipped[flipped.count - 1] ^= 1
        await #expect(throws: LogStorageError.self) { try await log.appendBatch(raw: flipped) }
        await #expect(throws: LogStorageError.self) { try await log.appendBatch(raw: Array(batch.dropLast())) }
        await #expect(throws: LogStorageError.self) { try await log.appendBatch(raw: [1, 2, 3]) }
        await #expect(throws: LogStorageError.self) { try await log.append([]) }
        #expect(log.logEndOffset == 0)
    }

    @Test("append splits records into batches under maxMessageBytes and rejects one too large")
    func splitting() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: TopicConfig(maxMessageBytes: 4096))
        let range = try await log.append(makeRecords(40, size: 500))
        #expect(range == (0, 39))
        #expect(try log.read(from: 0, maxBytes: 1 << 20).count == 40)
        await #expect(throws: LogStorageError.self) { try await log.append(makeRecords(1, size: 5000)) }
    }

    @Test("every fsync policy returns and makes the append visible", arguments: [
        FsyncPolicy.always, .interval(milliseconds: 20), .never,
    ])
    func policies(policy: FsyncPolicy) async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: policy)
        for _ in 0..<3 { _ = try await log.append(makeRecords(2)) }
        #expect(log.highWatermark == 6)
        #expect(log.fsyncCount.load(ordering: .relaxed) == (policy == .never ? 0 : 3))
    }

    @Test("100 concurrent appenders in an interval window share a few fsyncs")
    func groupCommit() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: .interval(milliseconds: 100))
        let ranges = try await withThrowingTaskGroup(of: (Int64, Int64).self) { group in
            for _ in 0..<100 { group.addTask { try await log.append(makeRecords(1)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ranges.count == 100)
        #expect(log.highWatermark == 100)
        let fsyncs = log.fsyncCount.load(ordering: .relaxed)
        #expect(fsyncs >= 1 && fsyncs <= 5)
    }

    @Test("with .interval an append is fsynced and acknowledged at once, not after the interval")
    func intervalIsNotALatencyFloor() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        // An hour-long interval and no run loop: an acknowledgement that waited out the interval (or any
        // part of it) could not come within the guard, and the guard is far above what five fsyncs take
        // on a loaded machine, where a few-second budget was not.
        let log = try openPartition(dir.path, fsync: .interval(milliseconds: 3_600_000))
        let acknowledged = try await finishes(within: .seconds(120)) {
            for _ in 0..<5 { _ = try await log.append(makeRecords(1)) }
        }
        #expect(acknowledged, "five sequential appends must not wait out the 1 h interval")
        #expect(log.highWatermark == 5)
        #expect(log.fsyncCount.load(ordering: .relaxed) == 5)
    }

    @Test("waitForData wakes on append and times out otherwise")
    func waitForData() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: .always)
        let start = ContinuousClock.now
        #expect(await log.waitForData(after: 0, timeout: .milliseconds(50)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(45))
        // With an hour's timeout, only the append can end this wait within the guard.
        let woken = Task { await log.waitForData(after: 0, timeout: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(50))
        _ = try await log.append(makeRecords(1))
        let answered = try await finishes(within: .seconds(120)) { #expect(await woken.value == true) }
        #expect(answered, "the append must wake the waiting reader")
        #expect(await log.waitForData(after: 0, timeout: .seconds(30)) == true)
        #expect(await log.waitForData(after: 1, timeout: .milliseconds(10)) == false)
    }

    @Test("concurrent appends from many tasks keep offsets unique and dense")
    func concurrentAppends() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: TopicConfig(segmentBytes: 16 * 1024), fsync: .never)
        let ranges = try await withThrowingTaskGroup(of: (Int64, Int64).self) { group in
            for task in 0..<32 {
                group.addTask {
                    var mine: [(Int64, Int64)] = []
                    for _ in 0..<20 { mine.append(try await log.append(makeRecords(1 + task % 3, tag: "t\(task)"))) }
                    return mine.first!
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ranges.count == 32)
        let records = try log.read(from: 0, maxBytes: .max)
        let expected = (0..<32).reduce(0) { $0 + 20 * (1 + $1 % 3) }
        #expect(records.map(\.offset) == Array(0..<Int64(expected)))
    }
}
