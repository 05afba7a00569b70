import PromQL

/// The `stats` object of a query answer (`?stats=all`), in Prometheus 2.42's shape: the
/// timings of one query in seconds. Petrel's engine does not count samples per query yet, so
/// the `samples` part Prometheus adds is left out rather than filled with made-up numbers.
struct QueryTimings: Sendable {
    /// Time spent waiting for a free query slot.
    var queuedNanos: UInt64
    /// Time spent parsing and evaluating.
    var evalNanos: UInt64

    func write(into json: inout JSONWriter) {
        func seconds(_ nanos: UInt64) -> String { PromQLFormat.goDefault(Double(nanos) / 1e9) }
        json.raw("{\"timings\":{")
        json.raw("\"evalTotalTime\":\(seconds(evalNanos)),")
        json.raw("\"resultSortTime\":0,")
        json.raw("\"queryPreparationTime\":0,")
        json.raw("\"innerEvalTime\":\(seconds(evalNanos)),")
        json.raw("\"execQueueTime\":\(seconds(queuedNanos)),")
        json.raw("\"execTotalTime\":\(seconds(queuedNanos + evalNanos))}}")
    }
}
