import Metrics
import PetrelCore
import Codecs
import LogStorage

/// Accepts metric writes: checks every line, appends the accepted ones to the
/// metrics topic as one record, and returns once that record is durable per the
/// fsync policy. The TSDB reads the topic afterwards (the topic is its WAL).
public final class MetricsIngestor: Sendable {
    /// Record header names of the metrics topic (see docs/formats/metrics-topic.md).
    public typealias Header = MetricsRecord.Header
    public typealias Format = MetricsRecord.Format

    /// What happened to one write request.
    public struct Outcome: Sendable {
        public var accepted = 0
        public var rejected = 0
        public var firstError: String?
        public var firstErrorLine: Int?

        /// Counts the summary's lines and keeps the first error (parse or retention, whichever
        /// line comes first), parse errors described by `describe`.
        init(_ summary: ParseSummary, expired: ExpiredLines, describe: (CodecError) -> String, counters: LineCounters) {
            self.accepted = summary.accepted - expired.count
            self.rejected = summary.rejected + expired.count
            if let error = summary.firstError, error.line < (expired.firstLine ?? .max) {
                firstError = describe(error)
                firstErrorLine = error.line
            } else if let line = expired.firstLine {
                firstError = "points beyond retention policy: \(expired.unit) \(line) has time \(expired.firstTime) ms, older than the retention of \(DurationText.format(millis: expired.retentionMs)) (tsdb.retention) dropped=\(expired.count)"
                firstErrorLine = line
            }
            counters.accepted.increment(by: self.accepted)
            counters.unparsable.increment(by: summary.rejected)
            counters.beyondRetention.increment(by: expired.count)
        }
    }

    /// `petrel_ingest_lines_total{protocol, outcome, reason}` for one protocol.
    struct LineCounters: Sendable {
        let accepted: Counter
        let unparsable: Counter
        let beyondRetention: Counter

        init(protocol name: String) {
            func counter(_ outcome: String, _ reason: String) -> Counter {
                Counter(label: "petrel_ingest_lines_total",
                        dimensions: [("protocol", name), ("outcome", outcome), ("reason", reason)])
            }
            accepted = counter("accepted", "none")
            unparsable = counter("rejected", "parse")
            beyondRetention = counter("rejected", "beyond_retention")
        }
    }

    /// Lines whose samples are older than the TSDB's retention: refused, counted, reported.
    struct ExpiredLines {
        let oldestMs: Int64
        let retentionMs: Int64
        /// What a position counts: "line" (line protocol) or "sample" (Prometheus text).
        var unit = "line"
        var count = 0
        var firstLine: Int?
        var firstTime: Int64 = 0

        /// Whether a sample at `ms` on `line` is too old; notes it when it is.
        mutating func isExpired(_ ms: Int64, line: Int) -> Bool {
            guard ms < oldestMs else { return false }
            count += 1
            if firstLine == nil {
                firstLine = line
                firstTime = ms
            }
            return true
        }
    }

    let partition: PartitionLog
    let dbLabel: Bool
    /// Samples older than now minus this are refused at the door (the TSDB would drop them).
    let retentionMs: Int64
    let timeSource: any TimeSource
    let influxLines: LineCounters
    let prometheusLines: LineCounters
    let appendLatency: Metrics.Timer

    init(topic: Topic, config: ServerConfig, timeSource: any TimeSource) {
        partition = topic.partitions[0]
        dbLabel = config.dbLabel
        retentionMs = config.tsdb.retention
        self.timeSource = timeSource
        influxLines = LineCounters(protocol: "influx")
        prometheusLines = LineCounters(protocol: "prometheus")
        appendLatency = Metrics.Timer(label: "petrel_ingest_append_seconds")
    }

    /// Ingests an InfluxDB line-protocol body. Valid lines are kept even when
    /// others are rejected, as InfluxDB does.
    /// `partition` replaces the metrics topic when a pipeline component claims the route.
    public func writeLineProtocol(_ body: [UInt8], precision: Precision, db: String?,
                                  to partition: PartitionLog? = nil) async throws -> Outcome {
        let receivedNanos = timeSource.nowNanos()
        var parser = LineProtocolParser(options: Self.parserOptions)
        // Where each valid line sits in the body; copied out only if some line was bad.
        var kept: [Range<Int>] = []
        var expired = ExpiredLines(oldestMs: receivedNanos / 1_000_000 - retentionMs, retentionMs: retentionMs)
        let summary = body.withUnsafeBytes { buffer in
            parser.parse(buffer, precision: precision, defaultTimestamp: receivedNanos) { line in
                if expired.isExpired(InfluxSampleMapper.milliseconds(line.timestampNanos), line: line.lineNumber) { return }
                let start = line.raw.baseAddress! - buffer.baseAddress!
                kept.append(start..<(start + line.raw.count))
            }
        }
        let outcome = Outcome(summary, expired: expired, describe: \.influxDescription, counters: influxLines)
        guard outcome.accepted > 0 else { return outcome }
        var headers = [
            RecordHeader(key: Header.format, value: Array(Format.influx.rawValue.utf8)),
            RecordHeader(key: Header.precision, value: Array(precision.headerName.utf8)),
        ]
        if dbLabel, let db, !db.isEmpty {
            headers.append(RecordHeader(key: Header.db, value: Array(db.utf8)))
        }
        let allKept = summary.rejected == 0 && expired.count == 0
        let values = allKept && body.count <= Self.maxRecordBytes ? [body] : Self.recordValues(body, lines: kept)
        try await append(values, headers: headers, timestampNanos: receivedNanos, to: partition)
        return outcome
    }

    /// Line protocol as InfluxDB 1.x accepts it, except that unsigned (`u`) fields are
    /// accepted as InfluxDB 2 does: a `\r` before the newline makes a line invalid, as there.
    static let parserOptions = LineProtocolOptions(stripCarriageReturn: false)

    /// The largest record value written; bigger bodies become several records
    /// (split between lines), all appended at once and acknowledged together.
    static let maxRecordBytes = 1 << 20

    /// The lines of `body` at `lines`, joined by newlines into values of at most
    /// `maxRecordBytes` (a longer single line gets a value of its own).
    static func recordValues(_ body: [UInt8], lines: [Range<Int>]) -> [[UInt8]] {
        var values: [[UInt8]] = []
        var current: [UInt8] = []
        for range in lines {
            if !current.isEmpty && current.count + 1 + range.count > maxRecordBytes {
                values.append(current)
                current = []
            }
            if !current.isEmpty { current.append(UInt8(ascii: "\n")) }
            current.append(contentsOf: body[range])
        }
        if !current.isEmpty { values.append(current) }
        return values
    }

    /// The line ranges of a newline-separated body (Prometheus text has no newlines inside a line).
    static func lineRanges(_ body: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, b) in body.enumerated() where b == UInt8(ascii: "\n") {
            if i > start { ranges.append(start..<i) }
            start = i + 1
        }
        if start < body.count { ranges.append(start..<body.count) }
        return ranges
    }

    /// Ingests a Prometheus text exposition body (`/api/v1/import/prometheus`).
    /// The body is stored as sent; the TSDB skips its bad lines again on read.
    /// `partition` replaces the metrics topic when a pipeline component claims the route.
    public func importPrometheus(_ body: [UInt8], to partition: PartitionLog? = nil) async throws -> Outcome {
        let receivedNanos = timeSource.nowNanos()
        var expired = ExpiredLines(oldestMs: receivedNanos / 1_000_000 - retentionMs, retentionMs: retentionMs, unit: "sample")
        var lineNumber = 0
        let summary = body.withUnsafeBytes { buffer in
            PrometheusTextParser().parse(buffer, defaultTimestamp: receivedNanos / 1_000_000) { _, t, _ in
                lineNumber += 1
                _ = expired.isExpired(t, line: lineNumber)
            }
        }
        let outcome = Outcome(summary, expired: expired, describe: \.description, counters: prometheusLines)
        guard outcome.accepted > 0 else { return outcome }
        let headers = [RecordHeader(key: Header.format, value: Array(Format.prometheus.rawValue.utf8))]
        let values = body.count <= Self.maxRecordBytes ? [body] : Self.recordValues(body, lines: Self.lineRanges(body))
        try await append(values, headers: headers, timestampNanos: receivedNanos, to: partition)
        return outcome
    }

    private func append(_ values: [[UInt8]], headers: [RecordHeader], timestampNanos: Int64,
                        to destination: PartitionLog?) async throws {
        let start = monotonicNanos()
        let records = values.map {
            Record(offset: 0, timestamp: timestampNanos / 1_000_000, key: nil, value: $0, headers: headers)
        }
        _ = try await (destination ?? partition).append(records)
        appendLatency.recordNanoseconds(Int64(monotonicNanos() - start))
    }
}
