import PetrelCore

/// `type: demo_weblogs`: a stream of realistic nginx access-log events at
/// `rate` per second (see `WebLogGenerator`), and optionally per-interval
/// request metrics written to `metrics_topic`, so dashboards have data
/// before any log-to-metric transform exists. See docs/pipeline/generators.md.
public struct DemoWeblogsSourceConfig: SourceConfig {
    public static let type = "demo_weblogs"

    public var rate = 50.0
    public var hosts = ["web-1", "web-2", "web-3"]
    public var seed: UInt64 = 1
    /// Where the request metrics go (`metrics` is the TSDB's own topic); nil: none.
    public var metricsTopic: String?
    public var metricsInterval = Duration.seconds(10)

    public init(_ section: inout ConfigSection) throws {
        if let r = try section.double("rate") {
            guard r > 0, r <= 1_000_000 else { throw section.error("rate", "expected events per second, above 0") }
            rate = r
        }
        if let list = try section.strings("hosts") {
            guard !list.isEmpty else { throw section.error("hosts", "expected one or more host names") }
            hosts = list
        }
        seed = try section.seed()
        metricsTopic = try section.string("metrics_topic")
        metricsInterval = try section.positiveDuration("metrics_interval", default: metricsInterval)
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        let metricsOutput = try metricsTopic.map {
            SourceOutput(topic: try context.topics.topicOrCreate($0), metrics: context.metrics)
        }
        return DemoWeblogsSource(config: self, timeSource: context.timeSource, metricsOutput: metricsOutput)
    }
}

struct DemoWeblogsSource: Source {
    let config: DemoWeblogsSourceConfig
    let timeSource: any TimeSource
    let metricsOutput: SourceOutput?

    static let tick = Duration.milliseconds(100)

    func run(_ output: SourceOutput) async throws {
        var generator = WebLogGenerator(hosts: config.hosts, seed: config.seed)
        var summary = RequestSummary()
        var carry = 0.0
        let tickMicros = Self.tick.wholeMillis * 1000
        let intervalMillis = config.metricsInterval.wholeMillis
        var nextMetrics = timeSource.nowMillis() + intervalMillis
        try await everyInterval(Self.tick) {
            let now = timeSource.nowNanos() / 1000
            carry += config.rate * Double(tickMicros) / 1_000_000
            let count = Int(carry)
            carry -= Double(count)
            var records: [Record] = []
            records.reserveCapacity(count)
            var bytes = 0
            for i in 0..<count {
                let entry = generator.next(timestampMicros: now - tickMicros + tickMicros * Int64(i) / Int64(count))
                summary.add(entry)
                let record = entry.event.record()
                bytes += record.value?.count ?? 0
                records.append(record)
            }
            output.metrics.received(events: count, bytes: bytes)
            try await output.send(records)
            if let metricsOutput, now / 1000 >= nextMetrics {
                let batch = summary.lineProtocol(timestampNanos: now * 1000)
                summary = RequestSummary()
                nextMetrics += intervalMillis
                if nextMetrics <= now / 1000 { nextMetrics = now / 1000 + intervalMillis }
                try await metricsOutput.sendMetrics(lineProtocol: batch.bytes, timestampMillis: now / 1000,
                                                    events: batch.lines)
            }
        }
    }
}

/// Requests of one metrics interval, by status and method: counts and latency quantiles.
struct RequestSummary {
    private struct Key: Hashable, Comparable {
        var status: Int
        var method: String
        static func < (a: Key, b: Key) -> Bool { (a.status, a.method) < (b.status, b.method) }
    }

    /// Latencies kept per key at most, so memory stays bounded at any rate.
    static let maxDurations = 10_000
    private var counts: [Key: Int] = [:]
    private var durations: [Key: [Double]] = [:]

    mutating func add(_ entry: WebLogGenerator.Entry) {
        let key = Key(status: entry.status, method: entry.method)
        counts[key, default: 0] += 1
        if durations[key, default: []].count < Self.maxDurations { durations[key, default: []].append(entry.durationMs) }
    }

    /// `demo_http_requests,method=,status= count=` and
    /// `demo_http_request_duration_ms,method=,status= p50=,p99=` per key.
    func lineProtocol(timestampNanos: Int64) -> MetricLineWriter {
        var out = MetricLineWriter()
        for key in counts.keys.sorted() {
            let tags = [("method", key.method), ("status", String(key.status))]
            out.line("demo_http_requests", tags: tags, fields: [("count", Double(counts[key]!))],
                     timestampNanos: timestampNanos)
            let sorted = (durations[key] ?? []).sorted()
            guard !sorted.isEmpty else { continue }
            out.line("demo_http_request_duration_ms", tags: tags,
                     fields: [("p50", Self.quantile(sorted, 0.5)), ("p99", Self.quantile(sorted, 0.99))],
                     timestampNanos: timestampNanos)
        }
        return out
    }

    /// The nearest-rank quantile of sorted values.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
