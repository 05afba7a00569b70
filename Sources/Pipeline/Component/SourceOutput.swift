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

/// A shared turn counter for spreading unkeyed batches over partitions.
final class RoundRobin: Sendable {
    private let counter = Atomic<Int>(0)

    func next(_ count: Int) -> Int {
        counter.add(1, ordering: .relaxed).newValue % max(1, count)
    }
}
