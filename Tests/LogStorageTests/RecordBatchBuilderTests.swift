import Testing
import PetrelCore
@testable import LogStorage

@Suite struct RecordBatchBuilderTests {
    /// Builds one batch of `records` (keys and values only) with the builder.
    private func build(_ records: [Record]) -> [UInt8]? {
        var builder = RecordBatchBuilder(capacity: 4096)
        for record in records {
            let value = record.value ?? []
            let append = { (key: UnsafeRawBufferPointer?) in
                builder.append(timestamp: record.timestamp, key: key, valueCount: value.count) { $0.append(contentsOf: value) }
            }
            if let key = record.key { key.withUnsafeBytes { append($0) } } else { append(nil) }
        }
        return builder.finish()
    }

    @Test("a built batch is byte for byte what RecordBatch.encode writes for the same records")
    func sameBytesAsEncode() throws {
        var records = makeRecords(50, size: 40)
        records[3].key = nil
        records[7].timestamp -= 10_000 // out of order: the max timestamp is still right
        records[9].value = []
        var expected: [UInt8] = []
        RecordBatch.encode(records, baseOffset: 0, into: &expected)
        let built = try #require(build(records))
        #expect(built == expected)
        #expect(RecordBatch.verifyCRC(built))
        let decoded = try RecordBatch.decode(built)
        #expect(decoded.map(\.value) == records.map(\.value))
        #expect(decoded.map(\.key) == records.map(\.key))
        #expect(decoded.map(\.timestamp) == records.map(\.timestamp))
    }

    @Test("finish leaves an empty builder that builds the next batch from scratch, and nothing for no records")
    func finishResets() throws {
        var builder = RecordBatchBuilder()
        let nothing = builder.finish()
        #expect(nothing == nil)
        builder.append(timestamp: 5, key: nil, valueCount: 1) { $0.append(0x41) }
        #expect(builder.count == 1 && builder.payloadBytes == 1)
        let finished = builder.finish()
        let first = try #require(finished)
        #expect(builder.isEmpty && builder.byteCount == RecordBatchHeader.size)
        builder.append(timestamp: 5, key: nil, valueCount: 1) { $0.append(0x41) }
        let second = builder.finish()
        #expect(second == first)
    }

    @Test("the partition accepts a built batch through the raw-batch append and assigns its offsets")
    func appendsThroughWriteBatch() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.append(makeRecords(3))
        let records = makeRecords(100, size: 300, tag: "built")
        let range = try await log.appendBatch(raw: try #require(build(records)))
        #expect(range.firstOffset == 3 && range.lastOffset == 102)
        let read = try log.read(from: 3, maxBytes: 1 << 20)
        #expect(read.map(\.value) == records.map(\.value))
        #expect(read.first?.offset == 3)
    }
}
