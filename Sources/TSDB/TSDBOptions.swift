/// A series' id in the head: stable for as long as the series stays in the head.
public typealias SeriesRef = UInt64

/// How a `TSDB` cuts, keeps and limits data. Times are milliseconds.
public struct TSDBOptions: Sendable {
    /// Time covered by one freshly cut block (and the unit of the compaction ranges).
    public var blockDuration: Int64 = 2 * 3_600_000
    /// Blocks whose whole range is older than now minus this are deleted.
    public var retention: Int64 = 15 * 86_400_000
    /// How far behind the head's max time a sample may arrive and still be merged
    /// into the head; older samples (within retention) go to the backfill buffer.
    public var outOfOrderWindow: Int64 = 3_600_000
    /// Total series in the head; 0 means unlimited.
    public var maxSeries: Int = 0
    /// Series per metric name (`__name__`) in the head; 0 means unlimited.
    public var maxSeriesPerMetric: Int = 0
    /// Samples per head chunk before a new chunk is started.
    public var chunkSamples: Int = 120
    /// Samples per chunk in blocks: larger chunks amortise per-chunk overhead on disk.
    public var blockChunkSamples: Int = 480
    /// Backfill samples held in memory before `maintain()` writes them as blocks
    /// (and `needsMaintenance` turns true): bounds the buffer's memory.
    public var backfillMaxSamples: Int = 2_000_000
    /// How long (ms) a backfill sample may wait in memory before `maintain()`
    /// persists the buffer anyway, so a trickle of late samples does not hold
    /// `replayOffset` back for long. 0 persists it at every `maintain()`.
    public var backfillMaxAge: Int64 = 5 * 60_000

    public init(blockDuration: Int64 = 2 * 3_600_000, retention: Int64 = 15 * 86_400_000,
                outOfOrderWindow: Int64 = 3_600_000, maxSeries: Int = 0, maxSeriesPerMetric: Int = 0,
                chunkSamples: Int = 120, blockChunkSamples: Int = 480,
                backfillMaxSamples: Int = 2_000_000, backfillMaxAge: Int64 = 5 * 60_000) {
        self.blockDuration = blockDuration
        self.retention = retention
        self.outOfOrderWindow = outOfOrderWindow
        self.maxSeries = maxSeries
        self.maxSeriesPerMetric = maxSeriesPerMetric
        self.chunkSamples = chunkSamples
        self.blockChunkSamples = blockChunkSamples
        self.backfillMaxSamples = backfillMaxSamples
        self.backfillMaxAge = backfillMaxAge
    }

    /// The widest block compaction may produce: 10 % of retention, at most 31 days,
    /// never less than one block.
    var maxBlockDuration: Int64 {
        max(blockDuration, min(retention / 10, 31 * 86_400_000))
    }

    func validate() throws {
        guard (1...(1 << 50)).contains(blockDuration), (1...(1 << 60)).contains(retention),
              (0...(1 << 60)).contains(outOfOrderWindow), maxSeries >= 0,
              maxSeriesPerMetric >= 0, (2...65_535).contains(chunkSamples),
              (2...65_535).contains(blockChunkSamples), backfillMaxSamples >= 1,
              (0...(1 << 60)).contains(backfillMaxAge) else {
            throw TSDBError(.invalidArgument, "invalid TSDB options: \(self)")
        }
    }
}

/// A snapshot of what the database holds, for `/metrics` and status pages.
public struct TSDBStats: Sendable, Equatable {
    public var headSeries: Int
    public var headChunks: Int
    public var headSamples: Int
    public var blocks: Int
    /// Oldest sample time over head and blocks, nil when empty.
    public var minTime: Int64?
    /// Newest sample time over head and blocks, nil when empty.
    public var maxTime: Int64?
    public var bytesOnDisk: Int64
}
