import PetrelCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import LogStorage

@Suite struct RecoveryTests {
    @Test("reopening after a clean close keeps every record, the indexes and the offsets")
    func reopen() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let config = TopicConfig(segmentBytes: 64 * 1024)
        do {
            let log = try openPartition(dir.path, config: config)
            for i in 0..<100 { _ = try await log.append(makeRecords(10, size: 200, timestamp: Int64(i) * 100)) }
            try log.close()
            await #expect(throws: LogStorageError.self) { try await log.append(makeRecords(1)) }
        }
        #expect(FileIO.exists("\(dir.path)/clean-shutdown"))
        let log = try openPartition(dir.path, config: config)
        #expect(!FileIO.exists("\(dir.path)/clean-shutdown"))
        #expect(log.logEndOffset == 1000 && log.highWatermark == 1000)
        #expect(log.segmentCount > 3)
        #expect(try log.read(from: 555, maxBytes: 1).first?.offset == 555)
        #expect(log.offset(atOrAfterTimestamp: 5000) == 500)
        let range = try await log.append(makeRecords(1))
        #expect(range == (1000, 1000))
    }

    @Test("reopening without a clean close rescans the active segment")
    func reopenUnclean() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let config = TopicConfig(segmentBytes: 16 * 1024)
        do {
            let log = try openPartition(dir.path, config: config, fsync: .always)
            for _ in 0..<40 { _ = try await log.append(makeRecords(5, size: 100)) }
            // No close: as after a crash.
        }
        let log = try openPartition(dir.path, config: config)
        #expect(log.logEndOffset == 200)
        #expect(try log.read(from: 0, maxBytes: .max).map(\.offset) == Array(0..<200))
    }

    @Test("a torn tail is cut on recovery, every complete batch stays and appends continue at the right offset")
    func tornTail() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        var activePath = ""
        var sizeBeforeLast = 0
        do {
            let log = try openPartition(dir.path, config: TopicConfig(segmentBytes: 64 * 1024), fsync: .always)
            for _ in 0..<30 { _ = try await log.append(makeRecords(4, size: 100)) }
            (activePath, sizeBeforeLast) = log.state.withLock { ($0.active.logPath, $0.active.size) }
            _ = try await log.append(makeRecords(4, size: 100))
            #expect(log.state.withLock { $0.active.logPath } == activePath)
        }
        // Cut the last batch in half, then add garbage after it.
        let fd = open(activePath, O_RDWR)
        let fullSize = Int(lseek(fd, 0, SEEK_END))
        #expect(ftruncate(fd, off_t(sizeBeforeLast + (fullSize - sizeBeforeLast) / 2)) == 0)
        let garbage = [UInt8](repeating: 0xAB, count: 333)
        _ = garbage.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(sizeBeforeLast + (fullSize - sizeBeforeLast) / 2)) }
        close(fd)

        let log = try openPartition(dir.path, config: TopicConfig(segmentBytes: 64 * 1024), fsync: .always)
        #expect(log.logEndOffset == 120)
        #expect(try log.read(from: 0, maxBytes: .max).map(\.offset) == Array(0..<120))
        let onDisk = log.state.withLock { $0.active.size }
        #expect(onDisk == sizeBeforeLast)
        let range = try await log.append(makeRecords(2))
        #expect(range == (120, 121))
        #expect(try log.read(from: 118, maxBytes: .max).map(\.offset) == [118, 119, 120, 121])
    }

    @Test("a corrupt batch in the middle of the active segment cuts from there")
    func corruptMiddle() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        var activePath = ""
        var positionOfFifth = 0
        do {
            let log = try openPartition(dir.path)
            for i in 0..<10 {
                if i == 5 { positionOfFifth = log.state.withLock { $0.active.size } }
                _ = try await log.append(makeRecords(3))
            }
            activePath = log.state.withLock { $0.active.logPath }
        }
        let fd = open(activePath, O_RDWR)
        var byte: UInt8 = 0x5A
        _ = pwrite(fd, &byte, 1, off_t(positionOfFifth + 70))
        close(fd)
        let log = try openPartition(dir.path)
        #expect(log.logEndOffset == 15)
        #expect(try log.read(from: 0, maxBytes: .max).count == 15)
    }

    @Test("missing index files of a sealed segment are rebuilt by scanning")
    func rebuildIndex() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let config = TopicConfig(segmentBytes: 32 * 1024)
        do {
            let log = try openPartition(dir.path, config: config)
            for _ in 0..<100 { _ = try await log.append(makeRecords(5, size: 100)) }
            try log.close()
        }
        FileIO.unlink("\(dir.path)/00000000000000000000.index")
        let log = try openPartition(dir.path, config: config)
        #expect(log.logEndOffset == 500)
        #expect(log.state.withLock { $0.segments[0].index.count } > 0)
        #expect(try log.read(from: 7, maxBytes: 1).first?.offset == 7)
    }
}
