import KafkaProtocol
import PetrelCore
import Testing

@Suite("Kafka compression codecs")
struct KafkaCompressionTests {
    static func records(_ n: Int) -> [Record] {
        (0..<n).map { i in
            Record(timestamp: 1_700_000_000_000 + Int64(i), key: Array("k\(i % 7)".utf8),
                   value: Array(String(repeating: "value \(i) ", count: 1 + i % 5).utf8),
                   headers: [RecordHeader(key: "h", value: [UInt8(i % 256)])])
        }
    }

    /// A batch of `records` whose body is compressed with `compress` under `codec`.
    static func batch(_ records: [Record], codec: CompressionCodec, _ compress: ([UInt8]) -> [UInt8]) -> [UInt8] {
        var plain: [UInt8] = []
        RecordBatch.encode(records, baseOffset: 0, into: &plain)
        let body = compress(Array(plain[RecordBatchHeader.size...]))
        var out = Array(plain[0..<RecordBatchHeader.size]) + body
        let batchLength = Int32(out.count - RecordBatchHeader.logOverhead)
        out.withUnsafeMutableBytes { buf in
            BigEndian.write(batchLength, into: buf, at: 8)
            BigEndian.write(RecordBatchAttributes(compression: codec).rawValue, into: buf, at: RecordBatchHeader.attributesOffset)
            RecordBatch.sealCRC(buf)
        }
        return out
    }

    @Test("snappy (raw and xerial-framed), lz4 and zstd batches decode once installed",
          arguments: ["snappy", "xerial", "lz4", "zstd"])
    func decodes(codecName: String) throws {
        KafkaCompression.install()
        let records = Self.records(300)
        let bytes: [UInt8]
        switch codecName {
        case "snappy": bytes = Self.batch(records, codec: .snappy, KafkaCompression.snappyCompress)
        case "xerial":
            bytes = Self.batch(records, codec: .snappy) { plain in
                // Java's framing: magic, version 1, compatible 1, then length-prefixed blocks.
                var out = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1] as [UInt8]
                for start in stride(from: 0, to: plain.count, by: 1000) {
                    let block = KafkaCompression.snappyCompress(Array(plain[start..<min(plain.count, start + 1000)]))
                    BigEndian.append(Int32(block.count), to: &out)
                    out += block
                }
                return out
            }
        case "lz4": bytes = Self.batch(records, codec: .lz4, KafkaCompression.lz4Compress)
        default: bytes = Self.batch(records, codec: .zstd, KafkaCompression.zstdCompress)
        }
        let decoded = try RecordBatch.decode(bytes)
        #expect(decoded.map(\.value) == records.map(\.value))
        #expect(decoded.map(\.headers) == records.map(\.headers))
    }

    @Test("corrupt compressed bodies throw instead of crashing")
    func corrupt() {
        let garbage: [UInt8] = (0..<300).map { UInt8(($0 * 37) % 256) }
        garbage.withUnsafeBytes { buf in
            #expect(throws: (any Error).self) { try KafkaCompression.snappyDecompress(buf, limit: 1 << 20) }
            #expect(throws: (any Error).self) { try KafkaCompression.lz4Decompress(buf, limit: 1 << 20) }
            #expect(throws: (any Error).self) { try KafkaCompression.zstdDecompress(buf, limit: 1 << 20) }
        }
    }
}
