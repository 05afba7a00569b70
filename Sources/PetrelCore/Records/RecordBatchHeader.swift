/// The compression codec named in bits 0–2 of a batch's attributes.
public enum CompressionCodec: Int16, Sendable, CaseIterable {
    case none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4

    public var name: String {
        switch self {
        case .none: return "none"
        case .gzip: return "gzip"
        case .snappy: return "snappy"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }
}

/// The 16-bit attributes field of a record batch v2.
public struct RecordBatchAttributes: Sendable, Hashable {
    public var rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }

    public init(compression: CompressionCodec = .none, logAppendTime: Bool = false,
                isTransactional: Bool = false, isControl: Bool = false) {
        var raw = compression.rawValue
        if logAppendTime { raw |= 1 << 3 }
        if isTransactional { raw |= 1 << 4 }
        if isControl { raw |= 1 << 5 }
        rawValue = raw
    }

    /// The raw codec bits (0–7); values 5–7 are not defined by Kafka.
    public var compressionBits: Int16 { rawValue & 0x07 }
    /// The codec, or nil for an undefined value.
    public var compression: CompressionCodec? { CompressionCodec(rawValue: compressionBits) }
    /// Timestamp type: false = CreateTime (set by the producer), true = LogAppendTime.
    public var logAppendTime: Bool { rawValue & (1 << 3) != 0 }
    public var isTransactional: Bool { rawValue & (1 << 4) != 0 }
    public var isControl: Bool { rawValue & (1 << 5) != 0 }
}

/// The fixed 61-byte header of a Kafka record batch v2 (magic 2), decoded.
///
/// Byte layout (big-endian): baseOffset i64 @0, batchLength i32 @8 (bytes after
/// this field), partitionLeaderEpoch i32 @12, magic i8 @16, crc u32 @17 (CRC-32C
/// of bytes 21..<end), attributes i16 @21, lastOffsetDelta i32 @23,
/// firstTimestamp i64 @27, maxTimestamp i64 @35, producerId i64 @43,
/// producerEpoch i16 @51, baseSequence i32 @53, recordCount i32 @57, records @61.
public struct RecordBatchHeader: Sendable, Hashable {
    public static let size = 61
    /// Bytes before the batchLength-counted part (baseOffset + batchLength).
    public static let logOverhead = 12
    public static let crcOffset = 17
    /// Where the CRC-covered part starts.
    public static let attributesOffset = 21
    public static let recordCountOffset = 57

    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: RecordBatchAttributes
    public var lastOffsetDelta: Int32
    public var firstTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    /// Total bytes of the batch on disk or on the wire (batchLength + 12).
    public var totalSize: Int { Int(batchLength) + RecordBatchHeader.logOverhead }
    /// The offset of the last record: baseOffset + lastOffsetDelta.
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    /// The offset after the batch.
    public var nextOffset: Int64 { lastOffset + 1 }
}
