import PetrelCore

/// Idempotent-producer state of one partition, as Kafka keeps it: per
/// producer id the current epoch and the last five batches' sequence and
/// offset ranges. It decides whether an incoming batch is new (append it), a
/// retry of one of those five (answer with the original offsets, write
/// nothing), out of order, or from a fenced (older) epoch.
///
/// Not persisted on its own: a partition rebuilds it on open from the batch
/// headers of its newest segments (see `PartitionLog.rebuildProducerState`).
struct ProducerStateTable: Sendable {
    /// Kafka keeps this many batches per producer for duplicate detection (the
    /// most a producer has in flight with `max.in.flight.requests.per.connection` ≤ 5).
    static let retainedBatches = 5

    struct Batch: Sendable, Equatable {
        var firstSequence: Int32
        var lastSequence: Int32
        var firstOffset: Int64
        var lastOffset: Int64
    }

    struct Entry: Sendable, Equatable {
        var epoch: Int16
        /// Oldest first, at most `retainedBatches`.
        var batches: [Batch]
    }

    /// What to do with an incoming batch.
    enum Decision: Sendable, Equatable {
        case append
        /// A retry of a stored batch: these are its offsets.
        case duplicate(firstOffset: Int64, lastOffset: Int64)
    }

    private(set) var producers: [Int64: Entry] = [:]

    /// The sequence `count` after `sequence`; sequences wrap from Int32.max to 0, as Kafka's.
    static func sequence(_ sequence: Int32, plus count: Int32) -> Int32 {
        let sum = Int64(sequence) + Int64(count)
        return Int32(truncatingIfNeeded: sum > Int64(Int32.max) ? sum - Int64(Int32.max) - 1 : sum)
    }

    /// Decides about a batch from an idempotent producer (producerId ≥ 0).
    /// Throws `.invalidProducerEpoch` for an epoch older than the producer's
    /// current one and `.outOfOrderSequence` for a sequence that does not
    /// follow the last stored batch. An unknown producer may start anywhere:
    /// its earlier batches may have been removed by retention.
    func decide(_ header: RecordBatchHeader, where partition: String) throws(LogStorageError) -> Decision {
        guard let entry = producers[header.producerId] else { return .append }
        let first = header.baseSequence
        if header.producerEpoch < entry.epoch {
            throw LogStorageError(.invalidProducerEpoch,
                                  "\(partition): producer \(header.producerId) epoch \(header.producerEpoch) is older than \(entry.epoch)")
        }
        if header.producerEpoch > entry.epoch {
            guard first == 0 else {
                throw LogStorageError(.outOfOrderSequence,
                                      "\(partition): producer \(header.producerId) new epoch \(header.producerEpoch) starts at sequence \(first), not 0")
            }
            return .append
        }
        let last = Self.sequence(first, plus: header.recordCount - 1)
        if let stored = entry.batches.first(where: { $0.firstSequence == first && $0.lastSequence == last }) {
            return .duplicate(firstOffset: stored.firstOffset, lastOffset: stored.lastOffset)
        }
        guard let previous = entry.batches.last else { return .append }
        let expected = Self.sequence(previous.lastSequence, plus: 1)
        guard first == expected else {
            throw LogStorageError(.outOfOrderSequence,
                                  "\(partition): producer \(header.producerId) sent sequence \(first), expected \(expected)")
        }
        return .append
    }

    /// Records a batch written at `firstOffset...lastOffset` (also used when
    /// rebuilding from the log, where the check already happened long ago).
    mutating func record(_ header: RecordBatchHeader, firstOffset: Int64, lastOffset: Int64) {
        guard header.producerId >= 0, header.baseSequence >= 0 else { return }
        let batch = Batch(firstSequence: header.baseSequence,
                          lastSequence: Self.sequence(header.baseSequence, plus: header.recordCount - 1),
                          firstOffset: firstOffset, lastOffset: lastOffset)
        var entry = producers[header.producerId] ?? Entry(epoch: header.producerEpoch, batches: [])
        if header.producerEpoch != entry.epoch {
            entry = Entry(epoch: header.producerEpoch, batches: [])
        }
        entry.batches.append(batch)
        if entry.batches.count > Self.retainedBatches { entry.batches.removeFirst(entry.batches.count - Self.retainedBatches) }
        producers[header.producerId] = entry
    }

    /// The highest producer id seen, so ids allocated later never collide with one still in the log.
    var highestProducerId: Int64? { producers.keys.max() }
}
