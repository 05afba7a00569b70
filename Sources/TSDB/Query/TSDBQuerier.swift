import PetrelCore

/// A read view over [mint, maxt] (inclusive): the head, the backfill buffer as
/// it was when the view was made, and the blocks that existed then. Results
/// merge every source, newest winning on equal timestamps, so samples present
/// in both a block and the head show once.
public struct TSDBQuerier: Sendable {
    let head: Head
    /// Oldest first: later blocks win on equal timestamps, the head wins over all.
    let blocks: [BlockReader]
    /// Backfill buffers, oldest first. They win over blocks (their samples were
    /// written later); they never share a series and timestamp with the head.
    let backfill: [BackfillBuffer]
    public let mint: Int64
    public let maxt: Int64

    init(head: Head, blocks: [BlockReader], backfill: [BackfillBuffer] = [], mint: Int64, maxt: Int64) {
        self.head = head
        self.backfill = backfill
        self.blocks = blocks.filter { $0.meta.maxTime > mint && $0.meta.minTime <= maxt }
            .sorted { $0.meta.id < $1.meta.id }
        self.mint = mint
        self.maxt = maxt
    }

    /// Series matching all `matchers` with their samples in range, sorted by labels.
    /// Throws `.limit` when the query would read more than `maxSamples` samples
    /// (checked on chunk counts before decoding).
    public func select(_ matchers: [LabelMatcher], maxSamples: Int = .max) throws -> [SeriesData] {
        guard mint <= maxt else { return [] }
        var merged: [Labels: SampleMerge.Columns] = [:]
        var budget = maxSamples
        func spend(_ n: Int) throws {
            budget -= n
            if budget < 0 {
                throw TSDBError(.limit, "query would select more than \(maxSamples) samples")
            }
        }
        for block in blocks {
            let ids = block.postings(matching: matchers)
            for id in ids { try spend(block.estimatedSamples(Int(id), mint: mint, maxt: maxt)) }
            for id in ids {
                let columns = try block.samples(Int(id), mint: mint, maxt: maxt)
                guard !columns.timestamps.isEmpty else { continue }
                let labels = block.seriesLabels[Int(id)]
                merged[labels] = SampleMerge.merge(merged[labels] ?? ([], []), columns)
            }
        }
        var snapshots: [(Labels, SeriesSnapshot)] = []
        for ref in head.postings.postings(matching: matchers) {
            guard let series = head.series(ref) else { continue }
            let snapshot = series.state.withLock { $0.snapshot(mint: mint, maxt: maxt) }
            try spend(snapshot.estimatedSamples)
            snapshots.append((series.labels, snapshot))
        }
        // Head series are unique by labels: they go straight into the answer, merged only
        // with the blocks' samples of the same series (no dictionary per head series).
        var out: [SeriesData] = []
        out.reserveCapacity(snapshots.count + merged.count)
        for (labels, snapshot) in snapshots {
            var columns = try snapshot.samples(mint: mint, maxt: maxt)
            if !merged.isEmpty, let prior = merged.removeValue(forKey: labels) {
                columns = SampleMerge.merge(prior, columns)
            }
            guard !columns.timestamps.isEmpty else { continue }
            out.append(SeriesData(labels: labels, timestamps: columns.timestamps, values: columns.values))
        }
        for (labels, columns) in merged {
            out.append(SeriesData(labels: labels, timestamps: columns.timestamps, values: columns.values))
        }
        var index: [Labels: Int]? = nil
        for buffer in backfill {
            let matching = buffer.matching(matchers)
            var clipped: [(Labels, SampleMerge.Columns)] = []
            for (labels, s) in matching where s.overlaps(mint: mint, maxt: maxt) {
                let columns = SampleMerge.clip((s.times, s.values), mint: mint, maxt: maxt)
                try spend(columns.timestamps.count)
                clipped.append((labels, columns))
            }
            for (labels, columns) in clipped where !columns.timestamps.isEmpty {
                if index == nil {
                    index = Dictionary(uniqueKeysWithValues: out.enumerated().map { ($0.element.labels, $0.offset) })
                }
                if let i = index![labels] {
                    let both = SampleMerge.merge((out[i].timestamps, out[i].values), columns)
                    out[i].timestamps = both.timestamps
                    out[i].values = both.values
                } else {
                    index![labels] = out.count
                    out.append(SeriesData(labels: labels, timestamps: columns.timestamps, values: columns.values))
                }
            }
        }
        // Sort positions, not the series themselves: moving a SeriesData retains and
        // releases its three arrays.
        let order = out.indices.sorted { out[$0].labels < out[$1].labels }
        return order.map { out[$0] }
    }

    public func estimatedSamples(_ matchers: [LabelMatcher]) -> Int {
        guard mint <= maxt else { return 0 }
        var total = 0
        for block in blocks {
            for id in block.postings(matching: matchers) {
                total += block.estimatedSamples(Int(id), mint: mint, maxt: maxt)
            }
        }
        for ref in head.postings.postings(matching: matchers) {
            guard let series = head.series(ref) else { continue }
            total += series.state.withLock { $0.snapshot(mint: mint, maxt: maxt).estimatedSamples }
        }
        for buffer in backfill {
            for (_, s) in buffer.matching(matchers) where s.overlaps(mint: mint, maxt: maxt) { total += s.times.count }
        }
        return total
    }

    /// Labels of the series matching `matchers` that have chunks overlapping the range, sorted.
    public func series(_ matchers: [LabelMatcher]) -> [Labels] {
        var out: Set<Labels> = []
        for block in blocks {
            for id in block.postings(matching: matchers)
            where block.seriesChunks[Int(id)].contains(where: { $0.maxT >= mint && $0.minT <= maxt }) {
                out.insert(block.seriesLabels[Int(id)])
            }
        }
        for ref in head.postings.postings(matching: matchers) {
            guard let series = head.series(ref) else { continue }
            let overlaps = series.state.withLock { s in !s.isEmpty && s.minTime <= maxt && max(s.maxTime, s.oooTimes.last ?? .min) >= mint }
            if overlaps { out.insert(series.labels) }
        }
        for buffer in backfill {
            for (labels, s) in buffer.matching(matchers) where s.overlaps(mint: mint, maxt: maxt) { out.insert(labels) }
        }
        return out.sorted()
    }

    /// Label names in use, sorted; restricted to matching series when `matchers` is not empty.
    public func labelNames(_ matchers: [LabelMatcher] = []) -> [String] {
        if matchers.isEmpty {
            var names = Set(head.postings.labelNames())
            for block in blocks { names.formUnion(block.labelNames()) }
            for labels in backfillSeries() { for l in labels { names.insert(l.name) } }
            return names.sorted()
        }
        var names: Set<String> = []
        for labels in series(matchers) { for l in labels { names.insert(l.name) } }
        return names.sorted()
    }

    /// Values of label `name`, sorted; restricted to matching series when `matchers` is not empty.
    public func labelValues(_ name: String, _ matchers: [LabelMatcher] = []) -> [String] {
        if matchers.isEmpty {
            var values = Set(head.postings.labelValues(name))
            for block in blocks { values.formUnion(block.labelValues(name)) }
            for labels in backfillSeries() { if let v = labels[name] { values.insert(v) } }
            return values.sorted()
        }
        var values: Set<String> = []
        for labels in series(matchers) { if let v = labels[name] { values.insert(v) } }
        return values.sorted()
    }

    /// Labels of the backfill series with samples in range.
    private func backfillSeries() -> [Labels] {
        backfill.flatMap { buffer in
            buffer.series.compactMap { $0.value.overlaps(mint: mint, maxt: maxt) ? $0.key : nil }
        }
    }
}
