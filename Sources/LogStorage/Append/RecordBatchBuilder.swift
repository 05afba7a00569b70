import PetrelCore

/// Builds one uncompressed Kafka record batch v2 in a single byte buffer,
/// record by record, for `PartitionLog.writeBatch(raw:)` /
/// `appendBatch(raw:)`. A source that makes many small records (a file
/// source's lines) writes each record's value straight into the batch, with
/// no `Record` or `[UInt8]` per record; `finish()` fills in the header and the
/// CRC once. Offsets start at 0 (the log assigns the real ones); producer
/// fields are -1 (not idempotent); records carry no headers.
public struct RecordBatchBuilder {
    /// The batch so far: a header placeholder, then the records.
    public private(set) var bytes: [UInt8]
    /// Records appended.
    public private(set) var count: Int32 = 0
    /// Key and value bytes appended, for the byte counters.
    public private(set) var payloadBytes = 0
    private var firstTimestamp: Int64 = -1
    private var maxTimestamp: Int64 = -1

    /// An empty batch with room for about `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = Self.headerPlaceholder(capacity: capacity)
    }

    private static func headerPlaceholder(capacity: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(capacity, RecordBatchHeader.size))
        bytes.append(contentsOf: repeatElement(0, count: RecordBatchHeader.size))
        return bytes
    }

    public var isEmpty: Bool { count == 0 }
    /// The batch's size so far, header included.
    public var byteCount: Int { bytes.count }

    /// The bytes a record with a `keyCount`-byte key (nil: no key) and a
    /// `valueCount`-byte value adds at most, for deciding where to cut batches.
    public static func maxRecordSize(keyCount: Int?, valueCount: Int) -> Int {
        // length, attributes, timestamp delta, offset delta, key and value lengths, header count.
        5 + 1 + 10 + 5 + 5 + (keyCount ?? 0) + 5 + valueCount + 1
    }

    /// Appends a record with `key` (nil: no key) and a value of exactly
    /// `valueCount` bytes, which `writeValue` appends to the buffer it is given.
    public mutating func append(timestamp: Int64, key: UnsafeRawBufferPointer?, valueCount: Int,
                                value writeValue: (inout [UInt8]) -> Void) {
        if count == 0 { firstTimestamp = timestamp }
        if timestamp > maxTimestamp { maxTimestamp = timestamp }
        let timestampDelta = timestamp &- firstTimestamp
        let offsetDelta = Int64(count)
        let keyCount = key?.count ?? -1
        var bodySize = 1 + Varint.sizeSigned(timestampDelta) + Varint.sizeSigned(offsetDelta)
        bodySize += Varint.sizeSigned(Int64(keyCount)) + max(0, keyCount)
        bodySize += Varint.sizeSigned(Int64(valueCount)) + valueCount + 1
        Varint.appendSigned(Int64(bodySize), to: &bytes)
        bytes.append(0) // record attributes: unused
        Varint.appendSigned(timestampDelta, to: &bytes)
        Varint.appendSigned(offsetDelta, to: &bytes)
        Varint.appendSigned(Int64(keyCount), to: &bytes)
        if let key { bytes.append(contentsOf: UnsafeBufferPointer(start: key.baseAddress?.assumingMemoryBound(to: UInt8.self), count: key.count)) }
        Varint.appendSigned(Int64(valueCount), to: &bytes)
        let before = bytes.count
        writeValue(&bytes)
        precondition(bytes.count - before == valueCount, "RecordBatchBuilder: the value writer wrote \(bytes.count - before) bytes, not \(valueCount)")
        bytes.append(0) // header count
        count += 1
        payloadBytes += max(0, keyCount) + valueCount
    }

    /// Fills in the header (lengths, timestamps, record count, CRC-32C) and
    /// returns the batch, leaving the builder empty (and without reserved capacity). Nil when no record was appended.
    public mutating func finish() -> [UInt8]? {
        guard count > 0 else { return nil }
        var out = bytes
        bytes = Self.headerPlaceholder(capacity: 0)
        out.withUnsafeMutableBytes { buf in
            BigEndian.write(Int64(0), into: buf, at: 0)                                       // baseOffset
            BigEndian.write(Int32(buf.count - RecordBatchHeader.logOverhead), into: buf, at: 8) // batchLength
            BigEndian.write(Int32(-1), into: buf, at: 12)                                     // partitionLeaderEpoch
            BigEndian.write(RecordBatch.magic, into: buf, at: 16)
            BigEndian.write(RecordBatchAttributes().rawValue, into: buf, at: RecordBatchHeader.attributesOffset)
            BigEndian.write(count - 1, into: buf, at: 23)                                     // lastOffsetDelta
            BigEndian.write(firstTimestamp, into: buf, at: 27)
            BigEndian.write(maxTimestamp, into: buf, at: 35)
            BigEndian.write(Int64(-1), into: buf, at: 43)                                     // producerId
            BigEndian.write(Int16(-1), into: buf, at: 51)                                     // producerEpoch
            BigEndian.write(Int32(-1), into: buf, at: 53)                                     // baseSequence
            BigEndian.write(count, into: buf, at: RecordBatchHeader.recordCountOffset)
            RecordBatch.sealCRC(buf)
        }
        count = 0
        payloadBytes = 0
        firstTimestamp = -1
        maxTimestamp = -1
        return out
    }
}
