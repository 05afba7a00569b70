import Codecs
import PetrelCore
import Synchronization

/// The state the `statsd` listeners share: the aggregator behind a lock, and
/// the component's counters. Each batch of datagrams (or TCP chunk of whole
/// lines) is decoded and aggregated under one lock acquisition; errors are
/// reported after the lock is released.
final class StatsDIngest: Sendable {
    private let aggregator: Mutex<StatsDAggregator>
    let metrics: ComponentMetrics

    init(settings: StatsDSettings, metrics: ComponentMetrics) {
        aggregator = Mutex(StatsDAggregator(settings: settings))
        self.metrics = metrics
    }

    /// What one packet (or batch of datagrams) gave: metrics read, series
    /// dropped, oversized datagrams, the first bad line.
    struct Outcome {
        var metrics = 0
        var dropped = 0
        var errors = 0
        var oversized = 0
        /// DogStatsD events and service checks: read and counted, not stored.
        var notStored = 0
        var firstError: (line: Int, failure: StatsDFailure)?
        /// The datagram of the batch that held the first error or oversized packet.
        var firstBadDatagram = -1

        /// Everything read: metrics, bad lines, events, refused datagrams.
        var events: Int { metrics + errors + notStored + oversized }
    }

    /// Decodes every line of `bytes` and aggregates it.
    func ingest(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        aggregator.withLock { Self.ingest(bytes, into: &$0, &outcome) }
        return outcome
    }

    /// Decodes and aggregates a batch of datagrams under one lock, then
    /// counts it; a datagram longer than the read buffer is refused whole
    /// (its cut last line could be read wrongly).
    func ingest(_ batch: borrowing DatagramBatch) {
        var outcome = Outcome()
        aggregator.withLock { aggregator in
            for i in 0..<batch.count {
                if batch.isTruncated(i) {
                    outcome.oversized += 1
                    if outcome.firstBadDatagram < 0 { outcome.firstBadDatagram = i }
                    continue
                }
                let errorsBefore = outcome.errors
                Self.ingest(batch.bytes(i), into: &aggregator, &outcome)
                if outcome.errors > errorsBefore && outcome.firstBadDatagram < 0 { outcome.firstBadDatagram = i }
            }
        }
        metrics.received(events: outcome.events, bytes: batch.totalBytes)
        if outcome.oversized > 0 {
            metrics.error("statsd: \(outcome.oversized) datagrams longer than max_packet_bytes "
                          + "(\(batch.datagramBytes)) from \(batch.sender(outcome.firstBadDatagram)) dropped",
                          count: outcome.oversized)
            metrics.discarded(outcome.oversized)
        }
        if outcome.errors > 0 || outcome.dropped > 0 || outcome.notStored > 0 {
            let sender = outcome.firstBadDatagram >= 0 ? batch.sender(outcome.firstBadDatagram) : "?"
            report(outcome, from: "udp \(sender)")
        }
    }

    private static func ingest(_ bytes: UnsafeRawBufferPointer, into aggregator: inout StatsDAggregator,
                               _ outcome: inout Outcome) {
        StatsDDecoder.forEachLine(bytes) { number, line in
            let result = StatsDDecoder.decodeLine(bytes, line: line) { metric in
                outcome.metrics += 1
                if !aggregator.add(metric, in: bytes) { outcome.dropped += 1 }
            }
            switch result {
            case .success(.metrics):
                break
            case .success(.event), .success(.serviceCheck):
                outcome.notStored += 1
            case .failure(let failure):
                outcome.errors += 1
                if outcome.firstError == nil { outcome.firstError = (number, failure) }
            }
        }
    }

    /// Counts an outcome's errors and drops; `from` names the sender for the message.
    func report(_ outcome: Outcome, from sender: @autoclosure () -> String) {
        if let (line, failure) = outcome.firstError {
            let more = outcome.errors > 1 ? " (and \(outcome.errors - 1) more bad lines)" : ""
            metrics.error("statsd: line \(line) of packet from \(sender()): \(failure.rawValue)\(more)",
                          count: outcome.errors)
            metrics.discarded(outcome.errors)
        }
        if outcome.notStored > 0 { metrics.discarded(outcome.notStored) }
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
