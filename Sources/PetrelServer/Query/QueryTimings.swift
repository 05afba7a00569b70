import PetrelCore
import PromQL

/// The `stats` object of a query answer (`?stats=all`), in Prometheus 2.42's shape: the
/// timings of one query in seconds and the samples the engine counted.
struct QueryTimings: Sendable {
    /// Time spent waiting for a free query slot.
    var queuedNanos: UInt64
    /// Time spent parsing and evaluating.
    var evalNanos: UInt64
    /// Samples the evaluation read and held at most.
    var samples: QueryStats

    func write(into json: inout JSONWriter) {
        func seconds(_ nanos: UInt64) -> String { PromQLFormat.goDefault(Double(nanos) / 1e9) }
        json.raw("{\"timings\":{")
        json.raw("\"evalTotalTime\":\(seconds(evalNanos)),")
        json.raw("\"resultSortTime\":0,")
        json.raw("\"queryPreparationTime\":0,")
        json.raw("\"innerEvalTime\":\(seconds(evalNanos)),")
        json.raw("\"execQueueTime\":\(seconds(queuedNanos)),")
        json.raw("\"execTotalTime\":\(seconds(queuedNanos + evalNanos))},")
        json.raw("\"samples\":{\"totalQueryableSamples\":\(samples.totalSamples),\"peakSamples\":\(samples.peakSamples)}}")
    }
}
