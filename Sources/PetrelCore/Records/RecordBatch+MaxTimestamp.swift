/// Correcting a producer's maxTimestamp field.
extension RecordBatch {
    /// Sets the batch's maxTimestamp to the largest record timestamp and
    /// recomputes the CRC, when the producer sent a value below firstTimestamp
    /// (older sarama versions, which Telegraf used for years, always send -1).
    /// Kafka recomputes the field on every append; Petrel keeps producers'
    /// bytes as they are and repairs only this impossible case, because
    /// retention, ListOffsets by time and the segment index read the field.
    /// Returns whether the bytes changed. LogAppendTime batches are left alone
    /// (the broker owns their timestamp).
    public static func repairMaxTimestamp(_ bytes: inout [UInt8]) throws(RecordBatchError) -> Bool {
        guard let header = bytes.withUnsafeBytes({ parseHeader($0) }), header.totalSize <= bytes.count else {
            throw RecordBatchError(.truncated, "record batch: \(bytes.count) bytes do not hold its header and records")
        }
        guard header.maxTimestamp < header.firstTimestamp, !header.attributes.logAppendTime else { return false }
        let records = try decode(bytes, verifyCRC: false)
        let maxTimestamp = records.lazy.map(\.timestamp).max() ?? header.firstTimestamp
        bytes.withUnsafeMutableBytes { buf in
            BigEndian.write(maxTimestamp, into: buf, at: 35)
            sealCRC(buf)
        }
        return true
    }
}
