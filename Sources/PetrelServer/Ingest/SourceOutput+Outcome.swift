import Pipeline

extension SourceOutput {
    /// Counts one accepted HTTP write in the claiming component's metrics.
    func count(_ outcome: MetricsIngestor.Outcome, bytes: Int) {
        metrics.received(events: outcome.accepted + outcome.rejected, bytes: bytes)
        if outcome.accepted > 0 { metrics.sent(events: outcome.accepted, bytes: bytes) }
        if let message = outcome.firstError {
            metrics.error(message, count: outcome.rejected)
            metrics.discarded(outcome.rejected)
        }
    }
}
