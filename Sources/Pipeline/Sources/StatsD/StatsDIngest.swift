import Codecs
import PetrelCore
import Synchronization

/// The state the `statsd` listeners share: the aggregator behind a lock, and
/// the component's counters. Each packet (or TCP chunk of whole lines) is
/// decoded and aggregated under one lock acquisition; errors are reported
/// after the lock is released.
final class StatsDIngest: Sendable {
    private let aggregator: Mutex<StatsDAggregator>
    let metrics: ComponentMetrics

    init(settings: StatsDSettings, metrics: ComponentMetrics) {
        aggregator = Mutex(StatsDAggregator(settings: settings))
        self.metrics = metrics
    }

    /// What one packet gave: metrics read, series dropped, the first few bad lines.
    struct Outcome {
        var metrics = 0
        var dropped = 0
        var errors = 0
        var firstError: (line: Int, failure: StatsDFailure)?
    }

    /// Decodes every line of `bytes` and aggregates it.
    func ingest(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        aggregator.withLock { aggregator in
            StatsDDecoder.forEachLine(bytes) { number, line in
                outcome.metrics += 1
                switch StatsDDecoder.decode(bytes, line: line) {
                case .success(let metric):
                    if !aggregator.add(metric, in: bytes) { outcome.dropped += 1 }
                case .failure(let failure):
                    outcome.errors += 1
                    if outcome.firstError == nil { outcome.firstError = (number, failure) }
                }
            }
        }
        return outcome
    }

    /// Counts an outcome's errors and drops; `from` names the sender for the message.
    func report(_ outcome: Outcome, from sender: @autoclosure () -> String) {
        if let (line, failure) = outcome.firstError {
            let more = outcome.errors > 1 ? " (and \(outcome.errors - 1) more bad lines)" : ""
            metrics.error("statsd: line \(line) of packet from \(sender()): \(failure.rawValue)\(more)",
                          count: outcome.errors)
            metrics.discarded(outcome.errors)
        }
        if outcome.dropped > 0 {
            metrics.error("statsd: \(outcome.dropped) metrics from \(sender()) dropped: max_series reached",
                          count: 1)
            metrics.discarded(outcome.dropped)
        }
    }

    /// Takes the interval's batch of line protocol (see `StatsDAggregator.flush`).
    func flush(timestampNanos: Int64) -> (lines: [UInt8], count: Int) {
        aggregator.withLock { $0.flush(timestampNanos: timestampNanos) }
    }
}
