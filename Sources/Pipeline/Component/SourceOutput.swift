import Codecs
import PetrelCore
import LogStorage
import Synchronization

/// Where a source writes: its output topic. Every `send` returns once the
/// records are durable per the fsync policy, so a source acknowledges,
/// checkpoints or reads on only after that.
public struct SourceOutput: Sendable {
    public let topic: Topic
    public let metrics: ComponentMetrics
    private let nextPartition = RoundRobin()

    public init(topic: Topic, metrics: ComponentMetrics) {
        self.topic = topic
        self.metrics = metrics
    }

    /// Appends `records` (offsets are assigned by the log). Records with a key
    /// go to the partition of the key's hash; the others to one partition per
    /// call, in turn. Throws the log's error (full disk, closed store).
    public func send(_ records: [Record]) async throws {
        guard !records.isEmpty else { return }
        let partitions = topic.partitions
        var bytes = 0
        for record in records { bytes += (record.value?.count ?? 0) + (record.key?.count ?? 0) }
        if partitions.count == 1 || records.allSatisfy({ $0.key == nil }) {
            let index = partitions.count == 1 ? 0 : nextPartition.next(partitions.count)
            _ = try await partitions[index].append(records)
        } else {
            var groups = [[Record]](repeating: [], count: partitions.count)
            let roundRobin = nextPartition.next(partitions.count)
            for record in records {
                var p = roundRobin
                if let key = record.key { p = Self.partition(ofKey: key, count: partitions.count) }
                groups[p].append(record)
            }
            for (p, group) in groups.enumerated() where !group.isEmpty {
                _ = try await partitions[p].append(group)
            }
        }
        metrics.sent(events: records.count, bytes: bytes)
    }

    /// Appends record batches the source encoded itself (`RecordBatchBuilder`):
    /// each goes whole to the partition of its key (unkeyed ones to one
    /// partition per call, in turn), in order, through the log's raw-batch
    /// append (the Kafka produce path); returns once all are durable per the
    /// fsync policy. Throws the log's error (corrupt or oversized batch, full
    /// disk, closed store); batches written before the error stay written.
    public func send(_ batches: [EncodedBatch]) async throws {
        guard !batches.isEmpty else { return }
        let partitions = topic.partitions
        let roundRobin = nextPartition.next(partitions.count)
        var lastOffsets: [Int: Int64] = [:]
        var events = 0, bytes = 0
        for batch in batches {
            var p = roundRobin
            if partitions.count == 1 {
                p = 0
            } else if let key = batch.key {
                p = Self.partition(ofKey: key, count: partitions.count)
            }
            let range = try partitions[p].writeBatch(raw: batch.bytes)
            lastOffsets[p] = range.lastOffset
            events += batch.records
            bytes += batch.payloadBytes
        }
        for (p, last) in lastOffsets.sorted(by: { $0.key < $1.key }) {
            try await partitions[p].awaitDurable(last + 1)
        }
        metrics.sent(events: events, bytes: bytes)
    }

    /// The partition of `count` that records with `key` go to (FNV-1a of the key).
    public static func partition(ofKey key: [UInt8], count: Int) -> Int {
        var hash = FNV1a()
        key.withUnsafeBytes { hash.add(bytes: $0) }
        return Int(hash.value % UInt64(max(1, count)))
    }

    /// Appends a batch of Influx line protocol lines as one metrics record
    /// (the format the TSDB consumes; see `MetricsRecord`). `events` is how
    /// many samples or lines it holds, for the counters.
    public func sendMetrics(lineProtocol: [UInt8], precision: Precision = .nanoseconds,
                            timestampMillis: Int64, events: Int) async throws {
        guard !lineProtocol.isEmpty else { return }
        let record = Record(timestamp: timestampMillis, value: lineProtocol, headers: [
            RecordHeader(key: MetricsRecord.Header.format, value: Array(MetricsRecord.Format.influx.rawValue.utf8)),
            RecordHeader(key: MetricsRecord.Header.precision, value: Array(precision.headerName.utf8)),
        ])
        _ = try await topic.partitions[0].append([record])
        metrics.sent(events: events, bytes: lineProtocol.count)
    }
}

/// One Kafka record batch v2 a source encoded itself, with the key its
/// records share (it picks the partition) and counts for the metrics.
public struct EncodedBatch: Sendable {
    public var bytes: [UInt8]
    public var key: [UInt8]?
    /// Records in the batch.
    public var records: Int
    /// Key and value bytes of its records.
    public var payloadBytes: Int

    public init(bytes: [UInt8], key: [UInt8]?, records: Int, payloadBytes: Int) {
        self.bytes = bytes
        self.key = key
        self.records = records
        self.payloadBytes = payloadBytes
    }
}

/// A shared turn counter for spreading unkeyed batches over partitions.
final class RoundRobin: Sendable {
    private let counter = Atomic<Int>(0)

    func next(_ count: Int) -> Int {
        counter.add(1, ordering: .relaxed).newValue % max(1, count)
    }
}
