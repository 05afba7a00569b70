import PetrelCore
import Synchronization

/// One series in the head: its labels and its samples, in Gorilla chunks plus a
/// small sorted buffer for samples that arrived out of order.
final class MemSeries: Sendable {
    let ref: SeriesRef
    let labels: Labels
    let state: Mutex<SeriesSamples>

    init(ref: SeriesRef, labels: Labels) {
        self.ref = ref
        self.labels = labels
        self.state = Mutex(SeriesSamples())
    }
}

/// What happened to one sample offered to a series.
enum AppendOutcome {
    case appended
    case outOfOrder
    case duplicate
    /// Too far behind the head: belongs in the backfill buffer.
    case backfill
}

/// The samples of one head series. Not thread-safe: `MemSeries` guards it.
struct SeriesSamples {
    /// Full chunks, oldest first.
    var closed: [XORChunk] = []
    /// The chunk being appended to, nil before the first in-order sample.
    var open: XORChunk?
    /// Out-of-order samples (at or before `maxTime`), sorted by time, unique
    /// times; they win over chunk samples with the same time.
    var oooTimes: [Int64] = []
    var oooValues: [Double] = []
    /// True once the series has been dropped from the head by a block cut.
    var removed = false

    /// Newest in-order time, Int64.min when empty.
    var maxTime: Int64 { open?.maxTime ?? Int64.min }
    var minTime: Int64 {
        let chunkMin = closed.first?.minTime ?? open?.minTime ?? Int64.max
        return Swift.min(chunkMin, oooTimes.first ?? Int64.max)
    }
    var isEmpty: Bool { open == nil && oooTimes.isEmpty }
    var chunkCount: Int { closed.count + (open == nil ? 0 : 1) }
    var sampleCount: Int { closed.reduce(0) { $0 + $1.count } + (open?.count ?? 0) + oooTimes.count }

    /// Adds one sample. Returns `.appended` (new in-order sample), `.outOfOrder`
    /// (buffered, including a replacement of an existing value), `.duplicate`
    /// (same time and value bits as the newest sample: ignored).
    mutating func append(_ t: Int64, _ v: Double, chunkSamples: Int) -> AppendOutcome {
        if open == nil || t > open!.maxTime {
            if open == nil || open!.count >= chunkSamples {
                if let full = open { closed.append(full) }
                open = XORChunk()
            }
            open!.append(t, v)
            return .appended
        }
        if t == open!.maxTime && open!.lastValue.bitPattern == v.bitPattern && oooIndex(t).found == false {
            return .duplicate
        }
        let (index, found) = oooIndex(t)
        if found {
            if oooValues[index].bitPattern == v.bitPattern { return .duplicate }
            oooValues[index] = v
        } else {
            oooTimes.insert(t, at: index)
            oooValues.insert(v, at: index)
        }
        if oooTimes.count > chunkSamples { try? mergeOutOfOrder(chunkSamples: chunkSamples) }
        return .outOfOrder
    }

    private func oooIndex(_ t: Int64) -> (index: Int, found: Bool) {
        var low = 0, high = oooTimes.count
        while low < high {
            let mid = (low + high) / 2
            if oooTimes[mid] < t { low = mid + 1 } else { high = mid }
        }
        return (low, low < oooTimes.count && oooTimes[low] == t)
    }

    /// Every sample, merged and de-duplicated, ascending by time.
    func samples() throws -> (timestamps: [Int64], values: [Double]) {
        var ts: [Int64] = [], vs: [Double] = []
        ts.reserveCapacity(sampleCount)
        vs.reserveCapacity(sampleCount)
        for chunk in closed { try XORChunk.decode(chunk.bytes, into: &ts, &vs) }
        if let open { try XORChunk.decode(open.bytes, into: &ts, &vs) }
        if oooTimes.isEmpty { return (ts, vs) }
        return SampleMerge.merge((ts, vs), (oooTimes, oooValues))
    }

    /// Folds the out-of-order buffer into re-encoded chunks.
    mutating func mergeOutOfOrder(chunkSamples: Int) throws {
        let all = try samples()
        replace(with: all.timestamps[...], all.values[...], chunkSamples: chunkSamples)
    }

    /// Replaces every sample with the given (sorted, unique-time) ones.
    mutating func replace(with ts: ArraySlice<Int64>, _ vs: ArraySlice<Double>, chunkSamples: Int) {
        closed = []
        open = nil
        oooTimes = []
        oooValues = []
        for (t, v) in zip(ts, vs) { _ = append(t, v, chunkSamples: chunkSamples) }
    }

    /// Chunk snapshots overlapping [mint, maxt] plus the overlapping OOO samples,
    /// copied so decoding happens outside the series lock.
    func snapshot(mint: Int64, maxt: Int64) -> SeriesSnapshot {
        var chunks: [[UInt8]] = []
        var estimate = 0
        for chunk in closed where chunk.maxTime >= mint && chunk.minTime <= maxt {
            chunks.append(chunk.bytes)
            estimate += chunk.count
        }
        if let open, open.maxTime >= mint, open.minTime <= maxt {
            chunks.append(open.bytes)
            estimate += open.count
        }
        var ots: [Int64] = [], ovs: [Double] = []
        for (t, v) in zip(oooTimes, oooValues) where t >= mint && t <= maxt {
            ots.append(t)
            ovs.append(v)
        }
        return SeriesSnapshot(chunks: chunks, oooTimes: ots, oooValues: ovs, estimatedSamples: estimate + ots.count)
    }
}

/// Copied head data of one series for a query.
struct SeriesSnapshot {
    var chunks: [[UInt8]]
    var oooTimes: [Int64]
    var oooValues: [Double]
    var estimatedSamples: Int

    /// Decoded samples within [mint, maxt].
    func samples(mint: Int64, maxt: Int64) throws -> (timestamps: [Int64], values: [Double]) {
        var ts: [Int64] = [], vs: [Double] = []
        ts.reserveCapacity(estimatedSamples)
        vs.reserveCapacity(estimatedSamples)
        for chunk in chunks { try XORChunk.decode(chunk, into: &ts, &vs, mint: mint, maxt: maxt) }
        let inRange = (timestamps: ts, values: vs)
        if oooTimes.isEmpty { return inRange }
        return SampleMerge.merge(inRange, (oooTimes, oooValues))
    }
}
