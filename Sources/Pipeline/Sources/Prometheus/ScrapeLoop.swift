import Codecs
import PetrelCore

/// What one target's scrapes turn into, scrape after scrape: the samples with
/// the target's labels, relabelled, plus the report series, plus stale
/// markers for series that went away. Pure (no socket, no clock), so every
/// rule is tested directly; `PrometheusScrapeSource` does the I/O.
struct ScrapeLoop {
    struct Options {
        var honorLabels = false
        var honorTimestamps = true
        /// Most samples kept after relabelling; more fails the scrape. 0: no limit.
        var sampleLimit = 0
    }

    /// One scrape's output: a Prometheus-text body and its figures.
    struct Result {
        var text: [UInt8]
        /// Sample lines the target answered with (`scrape_samples_scraped`).
        var scraped = 0
        /// Samples left after relabelling (`scrape_samples_post_metric_relabeling`).
        var kept = 0
        /// Samples written, report and stale markers included.
        var written = 0
        var parse = ParseSummary()
        /// The scrape kept more samples than `sample_limit`, so none was written.
        var exceededSampleLimit = false
    }

    let target: ScrapeTarget
    let options: Options
    let relabeler: Relabeler
    /// The series of the last successful scrape, for stale markers and `scrape_series_added`.
    private(set) var previous: Set<Labels> = []
    /// Whether the last scrape wrote report series (so stopping marks them stale).
    private var reported = false

    static let reportNames = ["up", "scrape_duration_seconds", "scrape_samples_scraped",
                              "scrape_samples_post_metric_relabeling", "scrape_series_added"]

    init(target: ScrapeTarget, options: Options, relabel: [RelabelRule]) {
        self.target = target
        self.options = options
        self.relabeler = Relabeler(relabel)
    }

    /// A scrape that answered `body` at `timestamp` (ms, the scrape's start).
    mutating func succeeded(body: [UInt8], openMetrics: Bool, timestamp: Int64, durationSeconds: Double) -> Result {
        var writer = PrometheusTextWriter(capacity: body.count + 512)
        var current = Set<Labels>()
        current.reserveCapacity(previous.count)
        var kept = 0
        var added = 0
        var parser = PrometheusTextParser()
        parser.openMetrics = openMetrics
        let summary = parser.parse(body, defaultTimestamp: timestamp) { labels, t, value in
            guard let final = relabeler.isEmpty ? merge(labels) : relabeler.apply(merge(labels)) else { return }
            kept += 1
            if current.insert(final).inserted && !previous.contains(final) { added += 1 }
            writer.sample(final, timestamp: options.honorTimestamps ? t : timestamp, value: value)
        }
        if options.sampleLimit > 0 && kept > options.sampleLimit {
            // Prometheus' sample_limit: the whole scrape fails, but its counts are still reported.
            var result = failed(timestamp: timestamp, durationSeconds: durationSeconds, scraped: summary.accepted, kept: kept, added: added)
            result.parse = summary
            result.exceededSampleLimit = true
            return result
        }
        for gone in previous where !current.contains(gone) {
            writer.sample(gone, timestamp: timestamp, value: StaleMarker.value)
        }
        previous = current
        report(&writer, timestamp: timestamp, up: 1, duration: durationSeconds,
               scraped: summary.accepted, kept: kept, added: added)
        return Result(text: writer.bytes, scraped: summary.accepted, kept: kept, written: writer.count, parse: summary)
    }

    /// A scrape that failed (no answer, bad status, too large): `up` 0 and
    /// every series of the last scrape marked stale, as Prometheus does.
    /// `scraped`, `kept` and `added` are reported as they are for a scrape
    /// refused by `sample_limit` (0 when nothing was read).
    mutating func failed(timestamp: Int64, durationSeconds: Double, scraped: Int = 0, kept: Int = 0, added: Int = 0) -> Result {
        var writer = PrometheusTextWriter()
        for gone in previous { writer.sample(gone, timestamp: timestamp, value: StaleMarker.value) }
        previous = []
        report(&writer, timestamp: timestamp, up: 0, duration: durationSeconds, scraped: scraped, kept: kept, added: added)
        return Result(text: writer.bytes, scraped: scraped, kept: kept, written: writer.count)
    }

    /// The target went away (removed from discovery, source stopped): every
    /// series it had, report series included, is marked stale.
    mutating func stopped(timestamp: Int64) -> Result {
        var writer = PrometheusTextWriter()
        for gone in previous { writer.sample(gone, timestamp: timestamp, value: StaleMarker.value) }
        if reported {
            for name in Self.reportNames {
                writer.sample(target.labels.setting(Labels.metricName, to: name), timestamp: timestamp, value: StaleMarker.value)
            }
        }
        previous = []
        reported = false
        return Result(text: writer.bytes, written: writer.count)
    }

    private mutating func report(_ writer: inout PrometheusTextWriter, timestamp: Int64, up: Double, duration: Double,
                                 scraped: Int, kept: Int, added: Int) {
        let values = [up, duration, Double(scraped), Double(kept), Double(added)]
        for (name, value) in zip(Self.reportNames, values) {
            writer.sample(target.labels.setting(Labels.metricName, to: name), timestamp: timestamp, value: value)
        }
        reported = true
    }

    /// Adds the target's labels. A scraped label of the same name is kept with
    /// `honor_labels`; otherwise it is renamed `exported_<name>` (Prometheus' rule).
    func merge(_ scraped: Labels) -> Labels {
        var pairs = scraped.pairs
        for label in target.labels {
            if let index = pairs.firstIndex(where: { $0.name == label.name }) {
                if options.honorLabels { continue }
                var renamed = "exported_" + label.name
                while pairs.contains(where: { $0.name == renamed }) { renamed = "exported_" + renamed }
                pairs[index] = Label(renamed, pairs[index].value)
            }
            pairs.append(label)
        }
        return Labels(pairs)
    }
}
