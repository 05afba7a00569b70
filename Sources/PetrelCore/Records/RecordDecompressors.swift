import Synchronization

/// Decompressors for the record batch codecs PetrelCore cannot reach itself
/// (snappy, lz4, zstd live behind system libraries in KafkaProtocol). The
/// composition root registers them once at start-up; `RecordBatch.decode`
/// then reads batches any Kafka producer wrote. none and gzip are built in.
public enum RecordDecompressors {
    /// Decompresses a batch body; the output must not exceed `limit` bytes.
    public typealias Decompress = @Sendable (_ body: UnsafeRawBufferPointer, _ limit: Int) throws -> [UInt8]

    private static let table = Mutex<[CompressionCodec: Decompress]>([:])

    public static func register(_ codec: CompressionCodec, _ decompress: @escaping Decompress) {
        table.withLock { $0[codec] = decompress }
    }

    public static func decompressor(for codec: CompressionCodec) -> Decompress? {
        table.withLock { $0[codec] }
    }
}
