import Metrics

/// The TSDB's instruments (swift-metrics), created once per database.
struct TSDBMetrics: Sendable {
    let headSeries = Gauge(label: "petrel_tsdb_head_series")
    let headChunks = Gauge(label: "petrel_tsdb_head_chunks")
    let blocks = Gauge(label: "petrel_tsdb_blocks")
    let samplesAppended = Counter(label: "petrel_tsdb_samples_appended_total")
    let seriesLimitRejections = Counter(label: "petrel_tsdb_series_limit_rejections_total")
    let compactionSeconds = Timer(label: "petrel_tsdb_compaction_seconds", preferredDisplayUnit: .seconds)
    let flushSeconds = Timer(label: "petrel_tsdb_flush_seconds", preferredDisplayUnit: .seconds)
    let backfillSamples = Gauge(label: "petrel_tsdb_backfill_samples")
    let backfillBlocks = Counter(label: "petrel_tsdb_backfill_blocks_written_total")
    private let rejectedBeyondRetention = Counter(label: "petrel_tsdb_samples_rejected_total", dimensions: [("reason", "beyond_retention")])
    private let rejectedOutOfBounds = Counter(label: "petrel_tsdb_samples_rejected_total", dimensions: [("reason", "out_of_bounds")])
    private let rejectedLimit = Counter(label: "petrel_tsdb_samples_rejected_total", dimensions: [("reason", "series_limit")])
    private let rejectedOther = Counter(label: "petrel_tsdb_samples_rejected_total", dimensions: [("reason", "other")])

    func rejected(_ code: TSDBError.Code) -> Counter {
        switch code {
        case .beyondRetention: return rejectedBeyondRetention
        case .outOfBounds: return rejectedOutOfBounds
        case .limit: return rejectedLimit
        default: return rejectedOther
        }
    }
}
