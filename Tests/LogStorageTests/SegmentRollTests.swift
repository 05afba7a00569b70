import PetrelCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import LogStorage

/// Rolling a segment: the new one is started under the partition lock, the
/// old one is fsynced and indexed afterwards, before the high watermark
/// passes its data; recovery after a crash in between.
@Suite struct SegmentRollTests {
    private let config = TopicConfig(segmentBytes: 4 * 1024)

    @Test("a roll keeps every record; once flushed, every rolled segment is sealed with its index files")
    func rollKeepsData() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: config, fsync: .always)
        for _ in 0..<40 { _ = try await log.append(makeRecords(5, size: 100)) }
        #expect(log.segmentCount > 5)
        #expect(log.highWatermark == 200)
        try log.flush()
        let (segments, pending) = log.state.withLock { ($0.segments, $0.rolledUnsealed) }
        #expect(pending.isEmpty)
        for segment in segments.dropLast() {
            #expect(segment.sealed)
            #expect(FileIO.exists(segment.indexPath) && FileIO.exists(segment.timeIndexPath))
        }
        #expect(try log.read(from: 0, maxBytes: .max).map(\.offset) == Array(0..<200))
    }

    @Test("the high watermark passes a rolled segment's data only after that segment was sealed")
    func flushSealsBeforeRaisingHighWatermark() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: config, fsync: .interval(milliseconds: 60_000))
        // Holding the sealing lock keeps the background sealer out, as if its fsync were slow.
        let sealedBeforeHighWatermark = try log.sealing.withLock { _ in
            for _ in 0..<20 { _ = try log.writeBatch(raw: batch(5)) }
            #expect(log.state.withLock { $0.rolledUnsealed.count } > 0)
            #expect(log.highWatermark == 0)
            return log.state.withLock { $0.rolledUnsealed.count }
        }
        #expect(sealedBeforeHighWatermark > 0)
        try log.flush()
        #expect(log.highWatermark == 100)
        #expect(log.state.withLock { $0.rolledUnsealed.isEmpty && $0.segments.dropLast().allSatisfy(\.sealed) })
    }

    @Test("a crash before a rolled segment was sealed: recovery rescans it, keeps every whole batch and continues")
    func crashBeforeSeal() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        var rolledPath = ""
        do {
            let log = try openPartition(dir.path, config: config, fsync: .interval(milliseconds: 60_000))
            try log.sealing.withLock { _ in
                for _ in 0..<12 { _ = try log.writeBatch(raw: batch(5)) }
                rolledPath = log.state.withLock { $0.rolledUnsealed.first?.logPath ?? "" }
            }
            // No close, and the rolled segment's index files were never written: as after a crash.
        }
        #expect(!rolledPath.isEmpty)
        #expect(!FileIO.exists(rolledPath.replacingSuffix(".log", with: ".index")))
        let log = try openPartition(dir.path, config: config)
        #expect(log.logEndOffset == 60)
        #expect(try log.read(from: 0, maxBytes: .max).map(\.offset) == Array(0..<60))
        #expect(try await log.append(makeRecords(1)) == (60, 60))
    }

    @Test("a crash that tore a rolled segment drops the segments after it, so offsets stay contiguous")
    func crashTornRolledSegment() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        var rolledPath = ""
        var rolledEnd: Int64 = 0
        do {
            let log = try openPartition(dir.path, config: config, fsync: .never)
            for _ in 0..<20 { _ = try log.writeBatch(raw: batch(5)) }
            (rolledPath, rolledEnd) = log.state.withLock { ($0.segments[0].logPath, $0.segments[0].nextOffset) }
            #expect(log.segmentCount >= 3)
        }
        // The first segment's last batch never reached the disk.
        let fd = open(rolledPath, O_RDWR)
        let size = Int(lseek(fd, 0, SEEK_END))
        #expect(ftruncate(fd, off_t(size - 10)) == 0)
        close(fd)
        for suffix in [".index", ".timeindex"] { unlink(rolledPath.replacingSuffix(".log", with: suffix)) }

        let log = try openPartition(dir.path, config: config)
        #expect(log.segmentCount == 1)
        #expect(log.logEndOffset == rolledEnd - 5)
        #expect(try log.read(from: 0, maxBytes: .max).map(\.offset) == Array(0..<(rolledEnd - 5)))
        #expect(try await log.append(makeRecords(1)) == (rolledEnd - 5, rolledEnd - 5))
    }

    private func batch(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        RecordBatch.encode(makeRecords(count, size: 100), baseOffset: 0, into: &out)
        return out
    }
}

private extension String {
    func replacingSuffix(_ suffix: String, with replacement: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
    }
}
