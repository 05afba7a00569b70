import PetrelCore

/// Collects one ingest batch of samples; `commit(sourceOffset:)` makes them
/// visible to queries and records the topic offset they came from. One
/// appender per batch, used from one task.
public struct TSDBAppender {
    let head: Head
    private var batch: [PendingSample] = []

    init(head: Head) {
        self.head = head
    }

    /// Buffers a sample for the series `labels`, creating the series if new, and
    /// returns its ref for the fast path. Throws per sample (`.limit`,
    /// `.beyondRetention`, `.outOfBounds`, `.invalidArgument`); the batch stays usable.
    @discardableResult
    public mutating func append(_ labels: Labels, _ t: Int64, _ v: Double) throws -> SeriesRef {
        let series: MemSeries
        do {
            series = try head.getOrCreate(labels)
        } catch let error as TSDBError {
            head.metrics.rejected(error.code).increment()
            throw error
        }
        try buffer(series, t, v)
        return series.ref
    }

    /// Buffers a sample for a series already known by ref.
    public mutating func append(ref: SeriesRef, _ t: Int64, _ v: Double) throws {
        guard let series = head.series(ref) else {
            head.metrics.rejected(.unknownSeries).increment()
            throw TSDBError(.unknownSeries, "series ref \(ref) is not in the head")
        }
        try buffer(series, t, v)
    }

    private mutating func buffer(_ series: MemSeries, _ t: Int64, _ v: Double) throws {
        if let error = head.check(t) {
            head.metrics.rejected(error.code).increment()
            throw error
        }
        batch.append(PendingSample(series: series, t: t, v: v))
    }

    /// Applies the buffered samples and records `sourceOffset` for the replay contract.
    public mutating func commit(sourceOffset: Int64) {
        head.commit(batch, sourceOffset: sourceOffset)
        batch.removeAll(keepingCapacity: true)
    }

    /// Applies the buffered samples without a source offset (data not fed from a topic).
    public mutating func commit() {
        head.commit(batch, sourceOffset: nil)
        batch.removeAll(keepingCapacity: true)
    }

    /// Drops the buffered samples.
    public mutating func rollback() {
        batch.removeAll(keepingCapacity: true)
    }

    /// Samples buffered and not yet committed.
    public var pendingCount: Int { batch.count }
}
