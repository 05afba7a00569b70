/// Kafka's record batch v2 (magic 2): the unit Petrel stores in topic segments
/// and serves to Kafka consumers byte-for-byte.
///
/// The CRC covers attributes..end and not baseOffset, so a log can assign
/// offsets by rewriting the first eight bytes without re-checksumming.
/// See docs/formats/topic-log.md for the byte layout.
public enum RecordBatch {
    public static let magic: Int8 = 2

    /// Codecs this module can write.
    public enum Compression: Sendable {
        case none, gzip
        var codec: CompressionCodec { self == .none ? .none : .gzip }
    }

    /// Appends one batch holding `records` (in order, offsets baseOffset,
    /// baseOffset+1, ...) to `out`. Record offsets in the input are ignored.
    public static func encode(
        _ records: [Record], baseOffset: Int64, into out: inout [UInt8],
        compression: Compression = .none, producerId: Int64 = -1, producerEpoch: Int16 = -1,
        baseSequence: Int32 = -1, partitionLeaderEpoch: Int32 = -1,
        isTransactional: Bool = false, logAppendTime: Bool = false
    ) {
        let start = out.count
        let firstTimestamp = records.first?.timestamp ?? -1
        let maxTimestamp = records.map(\.timestamp).max() ?? -1
        let attributes = RecordBatchAttributes(compression: compression.codec, logAppendTime: logAppendTime,
                                               isTransactional: isTransactional)
        BigEndian.append(baseOffset, to: &out)
        BigEndian.append(Int32(0), to: &out)                 // batchLength, patched below
        BigEndian.append(partitionLeaderEpoch, to: &out)
        BigEndian.append(magic, to: &out)
        BigEndian.append(UInt32(0), to: &out)                // crc, patched below
        BigEndian.append(attributes.rawValue, to: &out)
        BigEndian.append(Int32(records.count - 1), to: &out) // lastOffsetDelta
        BigEndian.append(firstTimestamp, to: &out)
        BigEndian.append(maxTimestamp, to: &out)
        BigEndian.append(producerId, to: &out)
        BigEndian.append(producerEpoch, to: &out)
        BigEndian.append(baseSequence, to: &out)
        BigEndian.append(Int32(records.count), to: &out)
        switch compression {
        case .none:
            out.reserveCapacity(out.count + records.reduce(0) { $0 + estimatedSize($1) })
            appendRecords(records, firstTimestamp: firstTimestamp, to: &out)
        case .gzip:
            var plain: [UInt8] = []
            plain.reserveCapacity(records.reduce(0) { $0 + estimatedSize($1) })
            appendRecords(records, firstTimestamp: firstTimestamp, to: &plain)
            out.append(contentsOf: Zlib.compress(plain, format: .gzip))
        }
        let batchLength = Int32(out.count - start - RecordBatchHeader.logOverhead)
        out.withUnsafeMutableBytes { buf in
            BigEndian.write(batchLength, into: buf, at: start + 8)
            sealCRC(buf, batchAt: start)
        }
    }

    /// Decodes the fixed header at the start of `bytes`; nil when fewer than 61
    /// bytes are available. Does not check the magic byte or the CRC.
    public static func parseHeader(_ bytes: UnsafeRawBufferPointer) -> RecordBatchHeader? {
        guard bytes.count >= RecordBatchHeader.size else { return nil }
        return RecordBatchHeader(
            baseOffset: BigEndian.read(Int64.self, bytes, at: 0),
            batchLength: BigEndian.read(Int32.self, bytes, at: 8),
            partitionLeaderEpoch: BigEndian.read(Int32.self, bytes, at: 12),
            magic: BigEndian.read(Int8.self, bytes, at: 16),
            crc: BigEndian.read(UInt32.self, bytes, at: 17),
            attributes: RecordBatchAttributes(rawValue: BigEndian.read(Int16.self, bytes, at: 21)),
            lastOffsetDelta: BigEndian.read(Int32.self, bytes, at: 23),
            firstTimestamp: BigEndian.read(Int64.self, bytes, at: 27),
            maxTimestamp: BigEndian.read(Int64.self, bytes, at: 35),
            producerId: BigEndian.read(Int64.self, bytes, at: 43),
            producerEpoch: BigEndian.read(Int16.self, bytes, at: 51),
            baseSequence: BigEndian.read(Int32.self, bytes, at: 53),
            recordCount: BigEndian.read(Int32.self, bytes, at: 57))
    }

    /// Checks the framing of the batch at the start of `bytes` (length, magic,
    /// record count) and returns its header; throws naming what is wrong.
    /// Does not check the CRC.
    public static func validateHeader(_ bytes: UnsafeRawBufferPointer) throws(RecordBatchError) -> RecordBatchHeader {
        guard let header = parseHeader(bytes) else {
            throw RecordBatchError(.truncated, "record batch: \(bytes.count) bytes, the header needs \(RecordBatchHeader.size)")
        }
        guard header.magic == magic else {
            throw RecordBatchError(.unsupportedMagic, "record batch: magic \(header.magic), only magic 2 is supported")
        }
        guard header.totalSize >= RecordBatchHeader.size else {
            throw RecordBatchError(.corrupt, "record batch: batchLength \(header.batchLength) is shorter than the header")
        }
        guard header.totalSize <= bytes.count else {
            throw RecordBatchError(.truncated, "record batch: batchLength says \(header.totalSize) bytes, \(bytes.count) present")
        }
        guard header.recordCount >= 0, header.lastOffsetDelta >= header.recordCount - 1 || header.recordCount == 0 else {
            throw RecordBatchError(.corrupt, "record batch: recordCount \(header.recordCount) does not fit lastOffsetDelta \(header.lastOffsetDelta)")
        }
        return header
    }

    /// Whether the CRC-32C stored in the batch at the start of `bytes` matches
    /// its content. False when the bytes are shorter than the batch.
    public static func verifyCRC(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let header = parseHeader(bytes), header.totalSize >= RecordBatchHeader.size,
              header.totalSize <= bytes.count else { return false }
        let covered = UnsafeRawBufferPointer(rebasing: bytes[RecordBatchHeader.attributesOffset..<header.totalSize])
        return CRC32C.checksum(covered) == header.crc
    }

    public static func verifyCRC(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { verifyCRC($0) }
    }

    /// Computes and stores the CRC-32C of the batch starting at `start`, after
    /// its batchLength and other CRC-covered fields are final.
    public static func sealCRC(_ buf: UnsafeMutableRawBufferPointer, batchAt start: Int = 0) {
        let end = start + Int(BigEndian.read(Int32.self, UnsafeRawBufferPointer(buf), at: start + 8)) + RecordBatchHeader.logOverhead
        let covered = UnsafeRawBufferPointer(rebasing: buf[(start + RecordBatchHeader.attributesOffset)..<end])
        BigEndian.write(CRC32C.checksum(covered), into: buf, at: start + RecordBatchHeader.crcOffset)
    }

    /// Sets the baseOffset of the batch starting at `position` in `bytes`; the
    /// CRC stays valid because it does not cover the offset.
    public static func rewriteBaseOffset(_ bytes: inout [UInt8], at position: Int = 0, to baseOffset: Int64) {
        bytes.withUnsafeMutableBytes { BigEndian.write(baseOffset, into: $0, at: position) }
    }
}
