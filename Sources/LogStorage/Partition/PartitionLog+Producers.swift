import PetrelCore

/// Idempotent-producer recovery and live config changes.
extension PartitionLog {
    /// How many of the newest segments recovery reads producer state from.
    /// Kafka snapshots the state; Petrel re-reads the batch headers instead,
    /// which covers any producer that wrote since the last two rolls. An older
    /// producer restarts as unknown, and an unknown producer may continue at any
    /// sequence, so the only cost is that a retry older than that is not deduplicated.
    static let producerStateSegments = 2

    /// Rebuilds the idempotent producers' state from the batch headers of the newest segments.
    static func rebuildProducerState(from segments: [Segment]) throws(LogStorageError) -> ProducerStateTable {
        var table = ProducerStateTable()
        for segment in segments.suffix(producerStateSegments) {
            try segment.forEachBatchHeader { header in
                table.record(header, firstOffset: header.baseOffset, lastOffset: header.lastOffset)
            }
        }
        return table
    }

    /// The highest producer id this partition's recent batches carry.
    var highestProducerId: Int64? { state.withLock { $0.producers.highestProducerId } }

    /// Replaces the topic settings (AlterConfigs): appends, rolls and
    /// retention use the new values from now on.
    func apply(config newConfig: TopicConfig) {
        liveConfig.withLock { $0 = newConfig }
    }
}

extension Segment {
    /// Calls `body` with the header of every batch up to `size`, reading in large chunks.
    func forEachBatchHeader(_ body: (RecordBatchHeader) -> Void) throws(LogStorageError) {
        var position = 0
        var chunk: [UInt8] = []
        var chunkStart = 0
        while position + RecordBatchHeader.size <= size {
            if position + RecordBatchHeader.size > chunkStart + chunk.count {
                chunk = try FileIO.pread(fd, count: min(1 << 20, size - position), at: position, path: logPath)
                chunkStart = position
                guard chunk.count >= RecordBatchHeader.size else { return }
            }
            guard let header = chunk.withUnsafeBytes({
                RecordBatch.parseHeader(UnsafeRawBufferPointer(rebasing: $0[(position - chunkStart)...]))
            }), header.totalSize >= RecordBatchHeader.size else { return }
            body(header)
            position += header.totalSize
        }
    }
}
