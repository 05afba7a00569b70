import Testing
@testable import PetrelCore

@Suite struct RecordBatchTests {
    static func sampleRecords() -> [Record] {
        [
            Record(timestamp: 1_700_000_000_000, key: Array("k1".utf8), value: Array("hello".utf8),
                   headers: [RecordHeader(key: "h", value: [1, 2, 3]), RecordHeader(key: "empty", value: nil)]),
            Record(timestamp: 1_700_000_000_005, key: nil, value: Array("no key".utf8)),
            Record(timestamp: 1_699_999_999_990, key: Array("tombstone".utf8), value: nil),
            Record(timestamp: 1_700_000_000_001, key: [], value: []),
        ]
    }

    @Test("a batch round-trips records with headers, null keys and null values")
    func roundTrip() throws {
        var bytes: [UInt8] = []
        let records = Self.sampleRecords()
        RecordBatch.encode(records, baseOffset: 42, into: &bytes)
        let decoded = try RecordBatch.decode(bytes)
        #expect(decoded.count == records.count)
        for (i, record) in decoded.enumerated() {
            var expected = records[i]
            expected.offset = 42 + Int64(i)
            #expect(record == expected)
        }
    }

    @Test("the header carries offsets, timestamps, producer fields and the record count")
    func header() throws {
        var bytes: [UInt8] = []
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 7, into: &bytes, producerId: 99, producerEpoch: 3, baseSequence: 11)
        let header = try #require(bytes.withUnsafeBytes { RecordBatch.parseHeader($0) })
        #expect(header.baseOffset == 7)
        #expect(header.totalSize == bytes.count)
        #expect(header.magic == 2)
        #expect(header.lastOffsetDelta == 3)
        #expect(header.lastOffset == 10)
        #expect(header.recordCount == 4)
        #expect(header.firstTimestamp == 1_700_000_000_000)
        #expect(header.maxTimestamp == 1_700_000_000_005)
        #expect(header.producerId == 99 && header.producerEpoch == 3 && header.baseSequence == 11)
        #expect(header.attributes.compression == CompressionCodec.none)
        #expect(RecordBatch.verifyCRC(bytes))
    }

    @Test("a header needs 61 bytes")
    func shortHeader() {
        let bytes = [UInt8](repeating: 0, count: 60)
        #expect(bytes.withUnsafeBytes { RecordBatch.parseHeader($0) } == nil)
    }

    @Test("a flipped byte fails the CRC and decode names the mismatch")
    func crcMismatch() {
        var bytes: [UInt8] = []
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 0, into: &bytes)
        bytes[bytes.count - 3] ^= 0x40
        #expect(!RecordBatch.verifyCRC(bytes))
        #expect(throws: RecordBatchError.self) { try RecordBatch.decode(bytes) }
        do { _ = try RecordBatch.decode(bytes) } catch { #expect(error.code == .crcMismatch) }
    }

    @Test("rewriting the base offset keeps the CRC valid")
    func rewriteBaseOffset() throws {
        var bytes: [UInt8] = []
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 0, into: &bytes)
        RecordBatch.rewriteBaseOffset(&bytes, to: 1000)
        #expect(RecordBatch.verifyCRC(bytes))
        #expect(try RecordBatch.decode(bytes).map(\.offset) == [1000, 1001, 1002, 1003])
    }

    @Test("gzip batches round-trip")
    func gzip() throws {
        var bytes: [UInt8] = []
        let records = (0..<200).map { Record(timestamp: Int64($0), key: nil, value: Array("value number \($0)".utf8)) }
        RecordBatch.encode(records, baseOffset: 5, into: &bytes, compression: .gzip)
        let header = try #require(bytes.withUnsafeBytes { RecordBatch.parseHeader($0) })
        #expect(header.attributes.compression == .gzip)
        let decoded = try RecordBatch.decode(bytes)
        #expect(decoded.map(\.value) == records.map(\.value))
        #expect(decoded.last?.offset == 204)
    }

    @Test("an unknown codec is named in the error")
    func unsupportedCodec() {
        // zstd, snappy and lz4 may have decompressors registered in this process
        // (RecordDecompressors); codec 6 never exists.
        var bytes: [UInt8] = []
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 0, into: &bytes)
        bytes.withUnsafeMutableBytes { BigEndian.write(Int16(6), into: $0, at: 21) }
        let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[21...])) }
        bytes.withUnsafeMutableBytes { BigEndian.write(crc, into: $0, at: 17) }
        do {
            _ = try RecordBatch.decode(bytes)
            Issue.record("decode should fail")
        } catch {
            #expect(error.code == .unsupportedCompression)
            #expect(error.message.contains("codec 6"))
        }
    }

    @Test("truncated and garbage input throws instead of crashing")
    func badInput() {
        var bytes: [UInt8] = []
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 0, into: &bytes)
        for cut in [0, 10, 60, 61, bytes.count - 1] {
            #expect(throws: RecordBatchError.self) { try RecordBatch.decode(Array(bytes[..<cut])) }
        }
        for _ in 0..<300 {
            var mangled = bytes
            for _ in 0..<3 { mangled[Int.random(in: 0..<mangled.count)] = UInt8.random(in: 0...255) }
            _ = try? RecordBatch.decode(mangled, verifyCRC: false)
        }
    }

    @Test("random records round-trip")
    func property() throws {
        func randomBytes() -> [UInt8]? {
            Bool.random() ? nil : (0..<Int.random(in: 0..<300)).map { _ in UInt8.random(in: 0...255) }
        }
        for _ in 0..<50 {
            let records = (0..<Int.random(in: 1..<30)).map { _ in
                Record(timestamp: Int64.random(in: 0..<2_000_000_000_000), key: randomBytes(), value: randomBytes(),
                       headers: (0..<Int.random(in: 0..<3)).map { RecordHeader(key: "h\($0)", value: randomBytes()) })
            }
            var bytes: [UInt8] = []
            let gzip = Bool.random()
            RecordBatch.encode(records, baseOffset: 0, into: &bytes, compression: gzip ? .gzip : .none)
            let decoded = try RecordBatch.decode(bytes)
            #expect(decoded.map(\.key) == records.map(\.key))
            #expect(decoded.map(\.value) == records.map(\.value))
            #expect(decoded.map(\.headers) == records.map(\.headers))
            #expect(decoded.map(\.timestamp) == records.map(\.timestamp))
        }
    }

    @Test("decodeAll walks consecutive batches and ignores a partial one at the end")
    func decodeAll() throws {
        var bytes: [UInt8] = []
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 0, into: &bytes)
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 4, into: &bytes)
        let whole = bytes.count
        RecordBatch.encode(Self.sampleRecords(), baseOffset: 8, into: &bytes)
        let partial = Array(bytes[..<(whole + 20)])
        let records = try partial.withUnsafeBytes { try RecordBatch.decodeAll($0) }
        #expect(records.map(\.offset) == Array(0..<8))
    }
}
