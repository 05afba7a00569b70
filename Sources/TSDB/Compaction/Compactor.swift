import PetrelCore

/// Decides which blocks to merge and merges them: overlapping blocks first
/// (e.g. after re-fed data or an interrupted compaction), then adjacent blocks
/// that together fill an aligned range of 3^n block durations.
struct Compactor {
    let options: TSDBOptions

    /// The compaction ranges: 3, 9, 27 ... block durations, up to the max block duration.
    var ranges: [Int64] {
        var out: [Int64] = []
        var r = options.blockDuration * 3
        while r <= options.maxBlockDuration {
            out.append(r)
            r *= 3
        }
        return out
    }

    /// The next set of blocks to merge, or nil. `sealedBefore` is the time
    /// before which no new level-1 block can appear (the head's min valid time).
    func plan(_ metas: [BlockMeta], sealedBefore: Int64) -> [BlockMeta]? {
        let sorted = metas.sorted { ($0.minTime, $0.id) < ($1.minTime, $1.id) }
        // Overlapping blocks.
        var group: [BlockMeta] = []
        var groupEnd = Int64.min
        for meta in sorted {
            if !group.isEmpty && meta.minTime < groupEnd {
                group.append(meta)
                groupEnd = max(groupEnd, meta.maxTime)
            } else {
                if group.count > 1 { return group }
                group = [meta]
                groupEnd = meta.maxTime
            }
        }
        if group.count > 1 { return group }
        // Aligned ranges, smallest first.
        for range in ranges {
            var buckets: [Int64: [BlockMeta]] = [:]
            for meta in sorted {
                let start = floorDiv(meta.minTime, range) * range
                guard meta.maxTime <= start + range else { continue }
                buckets[start, default: []].append(meta)
            }
            for start in buckets.keys.sorted() {
                let members = buckets[start]!
                if members.count > 1 && start + range <= sealedBefore { return members }
            }
        }
        return nil
    }

    /// Merges `blocks` into one new block written by `writer`. Samples with equal
    /// timestamps are de-duplicated; the most recently created block wins.
    func merge(_ blocks: [BlockReader], writer: BlockWriter, id: String) throws -> BlockMeta {
        let ordered = blocks.sorted { $0.meta.id < $1.meta.id }
        var merged: [Labels: SampleMerge.Columns] = [:]
        for block in ordered {
            for id in 0..<block.seriesLabels.count {
                let columns = try block.samples(id, mint: .min, maxt: .max)
                let labels = block.seriesLabels[id]
                merged[labels] = SampleMerge.merge(merged[labels] ?? ([], []), columns)
            }
        }
        let series = merged.map { SeriesData(labels: $0.key, timestamps: $0.value.timestamps, values: $0.value.values) }
            .sorted { $0.labels < $1.labels }
        let metas = ordered.map(\.meta)
        var sources: [String] = []
        for m in metas { sources.append(contentsOf: m.compaction.sources) }
        return try writer.write(series, id: id,
                                minTime: metas.map(\.minTime).min()!, maxTime: metas.map(\.maxTime).max()!,
                                level: (metas.map(\.compaction.level).max() ?? 0) + 1,
                                sources: Array(Set(sources)).sorted(),
                                replayOffset: metas.map(\.replayOffset).max()!)
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
