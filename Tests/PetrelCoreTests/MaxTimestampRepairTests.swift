import Testing
@testable import PetrelCore

@Suite struct MaxTimestampRepairTests {
    /// A batch as old sarama versions send it: maxTimestamp -1, CRC valid for that.
    static func saramaStyleBatch(_ records: [Record], compression: RecordBatch.Compression = .none) -> [UInt8] {
        var bytes: [UInt8] = []
        RecordBatch.encode(records, baseOffset: 0, into: &bytes, compression: compression)
        bytes.withUnsafeMutableBytes { buf in
            BigEndian.write(Int64(-1), into: buf, at: 35)
            RecordBatch.sealCRC(buf)
        }
        return bytes
    }

    @Test("a maxTimestamp of -1 becomes the largest record timestamp and the CRC stays valid",
          arguments: [RecordBatch.Compression.none, .gzip])
    func repairs(compression: RecordBatch.Compression) throws {
        let records = RecordBatchTests.sampleRecords()
        var bytes = Self.saramaStyleBatch(records, compression: compression)
        #expect(RecordBatch.verifyCRC(bytes))
        #expect(try RecordBatch.repairMaxTimestamp(&bytes))
        let header = try #require(bytes.withUnsafeBytes { RecordBatch.parseHeader($0) })
        #expect(header.maxTimestamp == records.map(\.timestamp).max())
        #expect(RecordBatch.verifyCRC(bytes))
        #expect(try RecordBatch.decode(bytes).map(\.value) == records.map(\.value))
    }

    @Test("a batch with a sound maxTimestamp is left byte for byte")
    func leavesGoodBatches() throws {
        var bytes: [UInt8] = []
        RecordBatch.encode(RecordBatchTests.sampleRecords(), baseOffset: 0, into: &bytes)
        let before = bytes
        #expect(try RecordBatch.repairMaxTimestamp(&bytes) == false)
        #expect(bytes == before)
    }
}
