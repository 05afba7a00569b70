import PetrelCore

extension Head {
    /// The aligned range the head should persist next, or nil when the head does
    /// not yet span more than 1.5 block durations.
    func rangeDueForCut() -> (start: Int64, end: Int64)? {
        let lo = minTime.load(ordering: .relaxed), hi = maxTime.load(ordering: .relaxed)
        guard lo != Int64.max, hi != Int64.min, hi - lo > options.blockDuration * 3 / 2 else { return nil }
        let start = blockStart(lo)
        return (start, start + options.blockDuration)
    }

    /// The head's samples before `end`, sorted by labels, left in the head.
    /// Raises the minimum valid time first so no sample before `end` can slip in
    /// afterwards: the returned data is final for that range.
    func samples(before end: Int64) throws -> [SeriesData] {
        minValidTime.max(end)
        var out: [SeriesData] = []
        for series in allSeries() {
            let data: SeriesData? = try series.state.withLock { s in
                guard !s.isEmpty, s.minTime < end else { return nil }
                let all = try s.samples()
                let split = SampleMerge.lowerBound(all.timestamps, end)
                guard split > 0 else { return nil }
                return SeriesData(labels: series.labels, timestamps: Array(all.timestamps[..<split]),
                                  values: Array(all.values[..<split]))
            }
            if let data { out.append(data) }
        }
        out.sort { $0.labels < $1.labels }
        return out
    }

    /// Drops every sample before `end` (once persisted) and the series left empty.
    func truncate(before end: Int64) throws {
        var emptied: [MemSeries] = []
        var removedSamples = 0
        for series in allSeries() {
            try series.state.withLock { s in
                if !s.isEmpty && s.minTime < end {
                    let all = try s.samples()
                    let split = SampleMerge.lowerBound(all.timestamps, end)
                    let before = s.sampleCount
                    s.replace(with: all.timestamps[split...], all.values[split...], chunkSamples: options.chunkSamples)
                    removedSamples += before - s.sampleCount
                }
                if s.isEmpty { emptied.append(series) }
            }
        }
        sampleCount.subtract(removedSamples, ordering: .relaxed)
        minTime.max(end)
        removeEmpty(emptied)
    }

    /// Samples currently held in head chunks and OOO buffers, and the chunk count.
    func chunkStats() -> (chunks: Int, samples: Int) {
        var chunks = 0, samples = 0
        for series in allSeries() {
            series.state.withLock { s in
                chunks += s.chunkCount
                samples += s.sampleCount
            }
        }
        return (chunks, samples)
    }
}
