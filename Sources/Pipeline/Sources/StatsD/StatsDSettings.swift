/// How the `statsd` source aggregates: Telegraf's statsd input options.
struct StatsDSettings: Sendable {
    /// Percentiles of timings to report as `<p>_percentile` fields.
    var percentiles: [Double] = [50, 90, 99]
    var deleteCounters = true
    var deleteGauges = true
    var deleteTimings = true
    var deleteSets = true
    /// Replaces `.` in metric names (`a.b.c` → `a_b_c`).
    var separator = "_"
    /// Tags added to every metric.
    var tags: [String: String] = [:]
    /// Series kept at once; metrics of new series beyond it are dropped and counted.
    var maxSeries = 100_000
    /// Values per timing kept for percentiles (Telegraf's `percentile_limit`).
    var percentileLimit = 1000
    /// Distinct members a set counts before further new members are dropped.
    var maxSetMembers = 100_000
}
