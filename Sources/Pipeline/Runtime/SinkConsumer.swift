import Synchronization
import Logging
import PetrelCore
import LogStorage

/// Feeds one partition of one input topic to a sink: reads from the sink's
/// committed offset, hands batches to `Sink.write`, and commits offsets only
/// after a write returned (at-least-once). Failed writes are retried with a
/// back-off; nothing is skipped.
struct SinkConsumer: Sendable {
    let sink: any Sink
    let input: SinkInput
    let partition: PartitionLog
    let topics: TopicStore
    let group: String
    let metrics: ComponentMetrics
    let lag: LagBoard
    let logger: Logger

    /// Largest batch handed to one `write`.
    static let batchBytes = 1 << 20
    /// Offsets are committed (an fsync) at most this often while data flows.
    static let commitIntervalNanos: UInt64 = 200_000_000

    func run() async {
        var next = topics.committedOffset(group: group, topic: input.topic, partition: input.partition) ?? partition.logStartOffset
        var committed = next
        var lastCommit = monotonicNanos()
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            let start = partition.logStartOffset
            if next < start {
                metrics.error("\(input): retention removed offsets \(next)..<\(start) before they were read")
                logger.warning("sink fell behind retention", metadata: ["input": "\(input)", "from": "\(next)", "resumeAt": "\(start)"])
                next = start
            }
            let records: [Record]
            do {
                records = try partition.read(from: next, maxBytes: Self.batchBytes)
            } catch {
                metrics.error("\(input): cannot read: \(error)")
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
                continue
            }
            lag.set(input, Int(max(0, partition.highWatermark - next)), metrics: metrics)
            if records.isEmpty {
                if committed != next { committed = await commit(next) ?? committed }
                _ = await partition.waitForData(after: next, timeout: .seconds(1))
                continue
            }
            let bytes = records.reduce(0) { $0 + ($1.value?.count ?? 0) + ($1.key?.count ?? 0) }
            do {
                try await sink.write(records, from: input)
            } catch {
                if Task.isCancelled { break }
                metrics.error("\(input): write failed: \(error)")
                logger.error("sink write failed; retrying", metadata: ["input": "\(input)", "error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
                continue
            }
            backoff = .milliseconds(100)
            metrics.received(events: records.count, bytes: bytes)
            metrics.sent(events: records.count, bytes: bytes)
            next = records[records.count - 1].offset + 1
            lag.set(input, Int(max(0, partition.highWatermark - next)), metrics: metrics)
            if monotonicNanos() - lastCommit >= Self.commitIntervalNanos {
                committed = await commit(next) ?? committed
                lastCommit = monotonicNanos()
            }
        }
        if committed != next { _ = await commit(next) }
    }

    /// Commits `offset` (its fsync on a blocking-I/O thread, not this task's);
    /// nil (and counted) when the store refuses.
    private func commit(_ offset: Int64) async -> Int64? {
        do {
            try await topics.commitOffsets(group: group, [(topic: input.topic, partition: input.partition, offset: offset, metadata: "")])
            return offset
        } catch {
            metrics.error("\(input): cannot commit offset \(offset): \(error)")
            return nil
        }
    }
}

/// The lag of each input partition of one sink; their sum is the sink's lag.
final class LagBoard: Sendable {
    private let lags = Mutex<[SinkInput: Int]>([:])

    func set(_ input: SinkInput, _ value: Int, metrics: ComponentMetrics) {
        let total = lags.withLock { lags in
            lags[input] = value
            return lags.values.reduce(0, +)
        }
        metrics.setLag(total)
    }
}
