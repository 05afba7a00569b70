import PetrelCore
import Testing
@testable import LogStorage

/// `readSlices`: where a read's batches lie in the segment files, for Fetch's sendfile.
@Suite struct ReadSlicesTests {
    private func bytes(_ slices: [LogSlice]) throws -> [UInt8] {
        try slices.reduce(into: [UInt8]()) { $0 += try $1.read() }
    }

    @Test("slices cover exactly the bytes readRaw returns, one slice per segment touched")
    func slicesMatchReadRaw() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, config: TopicConfig(segmentBytes: 8 * 1024))
        for _ in 0..<60 { _ = try await log.append(makeRecords(5, size: 100)) }
        #expect(log.segmentCount > 4)
        for (offset, maxBytes) in [(0, 1), (0, 1 << 20), (37, 5000), (123, 20_000), (299, 1)] as [(Int64, Int)] {
            let slices = try log.readSlices(from: offset, maxBytes: maxBytes)
            let raw = try log.readRaw(from: offset, maxBytes: maxBytes)
            #expect(try bytes(slices) == raw)
            #expect(Set(slices.map(\.path)).count == slices.count)
            let records = try raw.withUnsafeBytes { try RecordBatch.decodeAll($0) }
            #expect(records.first.map { $0.offset <= offset } == true)
        }
        let all = try log.readSlices(from: 0, maxBytes: .max)
        #expect(all.count == log.segmentCount)
        #expect(try bytes(all).withUnsafeBytes { try RecordBatch.decodeAll($0) }.map(\.offset) == Array(0..<300))
    }

    @Test("the first batch is whole even past maxBytes; later batches only while they fit")
    func maxBytesSemantics() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.append(makeRecords(20, size: 500))
        _ = try await log.append(makeRecords(1, size: 10))
        _ = try await log.append(makeRecords(1, size: 10))
        let first = try log.readSlices(from: 0, maxBytes: 100)
        let big = try #require(first.first).count
        #expect(first.count == 1 && big > 10_000)
        let both = try log.readSlices(from: 0, maxBytes: big + 100)
        #expect(both.reduce(0) { $0 + $1.count } > big)
        #expect(try log.readSlices(from: 0, maxBytes: big + 1).reduce(0) { $0 + $1.count } == big)
        #expect(try log.readSlices(from: 22, maxBytes: 1 << 20).isEmpty)
    }

    @Test("a slice stays readable after retention deleted its segment")
    func sliceOutlivesRetention() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let time = ManualTimeSource()
        let log = try openPartition(dir.path, config: TopicConfig(retentionBytes: 1, segmentBytes: 4 * 1024), time: time)
        for _ in 0..<10 { _ = try await log.append(makeRecords(5, size: 200)) }
        let slices = try log.readSlices(from: 0, maxBytes: 1000)
        let before = try bytes(slices)
        #expect(log.applyRetention(nowMillis: time.nowMillis(), protectedFrom: nil).deletedSegments > 0)
        #expect(!FileIO.exists(slices[0].path))
        #expect(try bytes(slices) == before)
    }
}
