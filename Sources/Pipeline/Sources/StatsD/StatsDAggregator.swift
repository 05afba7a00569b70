import Codecs
import PetrelCore

/// Aggregates decoded StatsD metrics per series over a flush interval and
/// renders them as one line protocol batch, with Telegraf's statsd naming:
/// measurement = the name (`.` → separator), tags = Influx-style name tags,
/// DogStatsD tags, `metric_type` and the configured tags; counters, gauges and
/// sets give `value`, timings give count/lower/upper/sum/mean/median/stddev
/// and `<p>_percentile`.
///
/// Lookups go by the raw bytes of a metric's name and tags, so the hot path
/// hashes bytes it already has; a series is canonicalised (sorted tags) only
/// the first time it is seen.
struct StatsDAggregator {
    let settings: StatsDSettings
    private var series: [StatsDSeries] = []
    /// Canonical line prefix → index in `series`.
    private var byPrefix: [[UInt8]: Int] = [:]
    /// Raw key (type, name, tags as sent) → index in `series`.
    private var byRawKey = StatsDKeyTable()
    private var keyScratch: [UInt8] = []

    init(settings: StatsDSettings) {
        self.settings = settings
        keyScratch.reserveCapacity(256)
    }

    var seriesCount: Int { series.count }

    /// Adds `metric`, whose ranges index `bytes`. Returns false when it
    /// starts a new series beyond `maxSeries` and was dropped.
    mutating func add(_ metric: StatsDMetric, in bytes: UnsafeRawBufferPointer) -> Bool {
        keyScratch.removeAll(keepingCapacity: true)
        keyScratch.append(metric.type.rawValue)
        keyScratch.append(contentsOf: bytes[metric.name])
        if let tags = metric.nameTags {
            keyScratch.append(UInt8(ascii: ","))
            keyScratch.append(contentsOf: bytes[tags])
        }
        if let tags = metric.tags {
            keyScratch.append(UInt8(ascii: "|"))
            keyScratch.append(contentsOf: bytes[tags])
        }
        let index: Int
        let hash = keyScratch.withUnsafeBytes { StatsDKeyTable.hash($0) }
        if let known = keyScratch.withUnsafeBytes({ byRawKey.find($0, hash: hash) }) {
            index = known
        } else {
            let prefix = canonicalPrefix(metric, bytes)
            if let known = byPrefix[prefix] {
                index = known
            } else {
                guard series.count < settings.maxSeries else { return false }
                index = series.count
                series.append(StatsDSeries(prefix: prefix, type: metric.type))
                byPrefix[prefix] = index
            }
            if byRawKey.count < 2 * settings.maxSeries {
                keyScratch.withUnsafeBytes { byRawKey.insert($0, hash: hash, value: index) }
            }
        }
        series[index].add(metric, bytes, settings)
        return true
    }

    /// Renders every series updated since the last flush (and, for kinds that
    /// are not deleted, every series) at `timestampNanos`, then forgets what
    /// the `delete_*` settings say to forget. Returns the batch and its line count.
    mutating func flush(timestampNanos: Int64) -> (lines: [UInt8], count: Int) {
        var writer = MetricLineWriter(capacity: series.count * 64)
        for s in series where s.updated || !deletes(s.type) {
            s.render(into: &writer, timestampNanos: timestampNanos, settings: settings)
        }
        var kept: [StatsDSeries] = []
        for var s in series where !deletes(s.type) {
            s.startInterval()
            kept.append(s)
        }
        series = kept
        byRawKey.removeAll()
        byPrefix.removeAll(keepingCapacity: kept.count > 0)
        for (i, s) in series.enumerated() { byPrefix[s.prefix] = i }
        return (writer.bytes, writer.lines)
    }

    private func deletes(_ type: StatsDType) -> Bool {
        switch type {
        case .counter: settings.deleteCounters
        case .gauge: settings.deleteGauges
        case .set: settings.deleteSets
        case .timing, .histogram, .distribution: settings.deleteTimings
        }
    }

    /// `measurement,k=v,...` with the tags sorted and escaped.
    private func canonicalPrefix(_ metric: StatsDMetric, _ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var name = Array(bytes[metric.name])
        if settings.separator != "." {
            let separator = Array(settings.separator.utf8)
            var replaced: [UInt8] = []
            replaced.reserveCapacity(name.count)
            for c in name { if c == UInt8(ascii: ".") { replaced += separator } else { replaced.append(c) } }
            name = replaced
        }
        var tags: [String: String] = settings.tags
        if let range = metric.nameTags {
            for pair in bytes[range].split(separator: UInt8(ascii: ",")) {
                let kv = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
                tags[String(decoding: kv[0], as: UTF8.self)] = kv.count > 1 ? String(decoding: kv[1], as: UTF8.self) : ""
            }
        }
        if let range = metric.tags {
            for pair in bytes[range].split(separator: UInt8(ascii: ",")) {
                let kv = pair.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(decoding: kv[0], as: UTF8.self)
                tags[key] = kv.count > 1 ? String(decoding: kv[1], as: UTF8.self) : "true"
            }
        }
        tags["metric_type"] = metric.type.tagValue
        var prefix: [UInt8] = []
        MetricLineWriter.appendEscaped(name, to: &prefix, measurement: true)
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) where !key.isEmpty && !value.isEmpty {
            prefix.append(UInt8(ascii: ","))
            MetricLineWriter.appendEscaped(key.utf8, to: &prefix, measurement: false)
            prefix.append(UInt8(ascii: "="))
            MetricLineWriter.appendEscaped(value.utf8, to: &prefix, measurement: false)
        }
        return prefix
    }
}

/// One aggregated StatsD series.
struct StatsDSeries {
    let prefix: [UInt8]
    let type: StatsDType
    private(set) var updated = false
    private var counter: Int64 = 0
    private var gauge = 0.0
    private var members: Set<UInt64> = []
    private var timer = StatsDTimerStats()

    init(prefix: [UInt8], type: StatsDType) {
        self.prefix = prefix
        self.type = type
    }

    mutating func add(_ metric: StatsDMetric, _ bytes: UnsafeRawBufferPointer, _ settings: StatsDSettings) {
        updated = true
        switch type {
        case .counter:
            let scaled = metric.value / metric.sampleRate
            if scaled.magnitude < 9e18 { counter &+= Int64(scaled) }
        case .gauge:
            gauge = metric.isDelta ? gauge + metric.value : metric.value
        case .set:
            guard members.count < settings.maxSetMembers else { return }
            var hash = FNV1a()
            hash.add(bytes: UnsafeRawBufferPointer(rebasing: bytes[metric.valueText]))
            members.insert(hash.value)
        case .timing, .histogram, .distribution:
            let times = metric.sampleRate < 1 ? Int(min(1 / metric.sampleRate, 1_000_000)) : 1
            timer.add(metric.value, times: times, limit: settings.percentileLimit)
        }
    }

    /// Clears what a new interval starts without (kept series only).
    mutating func startInterval() {
        updated = false
    }

    func render(into writer: inout MetricLineWriter, timestampNanos: Int64, settings: StatsDSettings) {
        writer.begin(prefix: prefix)
        switch type {
        case .counter:
            writer.field("value", counter)
        case .gauge:
            writer.field("value", gauge)
        case .set:
            writer.field("value", Int64(members.count))
        case .timing, .histogram, .distribution:
            guard timer.count > 0 else { break }
            let sorted = timer.sorted()
            writer.field("count", Int64(timer.count))
            writer.field("lower", timer.lower)
            writer.field("mean", timer.average)
            writer.field("median", StatsDTimerStats.median(of: sorted))
            writer.field("stddev", timer.stddev)
            writer.field("sum", timer.sum)
            writer.field("upper", timer.upper)
            for p in settings.percentiles {
                writer.field(Self.percentileName(p), StatsDTimerStats.percentile(p, of: sorted))
            }
        }
        writer.end(timestampNanos: timestampNanos)
    }

    /// Telegraf's field name: `90_percentile`, `99.9_percentile`.
    static func percentileName(_ p: Double) -> String {
        (p == p.rounded() ? String(Int(p)) : String(p)) + "_percentile"
    }
}
