import Metrics

/// The swift-metrics instruments of one partition, created once so the append
/// path only increments.
struct PartitionMetrics: Sendable {
    let appendedRecords: Counter
    let appendedBytes: Counter
    let fsyncDuration: Metrics.Timer
    let segments: Meter
    let sizeBytes: Meter
    let recoveryTruncatedBytes: Counter
    let retentionDeletedSegments: Counter
    let forcedLossRecords: Counter

    init(topic: String, partition: Int) {
        let dimensions = [("topic", topic), ("partition", String(partition))]
        appendedRecords = Counter(label: "petrel_topic_appended_records_total", dimensions: dimensions)
        appendedBytes = Counter(label: "petrel_topic_appended_bytes_total", dimensions: dimensions)
        fsyncDuration = Metrics.Timer(label: "petrel_topic_fsync_seconds", dimensions: [("topic", topic)],
                                      preferredDisplayUnit: .seconds)
        segments = Meter(label: "petrel_topic_segments", dimensions: dimensions)
        sizeBytes = Meter(label: "petrel_topic_size_bytes", dimensions: dimensions)
        recoveryTruncatedBytes = Counter(label: "petrel_topic_recovery_truncated_bytes_total", dimensions: dimensions)
        retentionDeletedSegments = Counter(label: "petrel_topic_retention_deleted_segments_total", dimensions: dimensions)
        forcedLossRecords = Counter(label: "petrel_topic_retention_forced_loss_records_total", dimensions: [("topic", topic)])
    }
}
