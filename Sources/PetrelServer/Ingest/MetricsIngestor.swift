import Metrics
import PetrelCore
import Codecs
import LogStorage

/// Accepts metric writes: checks every line, appends the accepted ones to the
/// metrics topic as one record, and returns once that record is durable per the
/// fsync policy. The TSDB reads the topic afterwards (the topic is its WAL).
public final class MetricsIngestor: Sendable {
    /// Record header names of the metrics topic (see docs/formats/metrics-topic.md).
    public enum Header {
        public static let format = "petrel-format"
        public static let precision = "petrel-precision"
        public static let db = "petrel-db"
    }

    public enum Format: String, Sendable {
        case influx = "influx"
        case prometheus = "prometheus"
    }

    /// What happened to one write request.
    public struct Outcome: Sendable {
        public var accepted = 0
        public var rejected = 0
        public var firstError: String?
        public var firstErrorLine: Int?

        /// Counts the summary's lines and keeps its first error, described by `describe`.
        init(_ summary: ParseSummary, describe: (CodecError) -> String, accepted: Counter, rejected: Counter) {
            self.accepted = summary.accepted
            self.rejected = summary.rejected
            if let error = summary.firstError {
                firstError = describe(error)
                firstErrorLine = error.line
            }
            accepted.increment(by: summary.accepted)
            rejected.increment(by: summary.rejected)
        }
    }

    let partition: PartitionLog
    let dbLabel: Bool
    let timeSource: any TimeSource
    let acceptedLines: Counter
    let rejectedLines: Counter
    let acceptedPromLines: Counter
    let rejectedPromLines: Counter
    let appendLatency: Metrics.Timer

    init(topic: Topic, config: ServerConfig, timeSource: any TimeSource) {
        partition = topic.partitions[0]
        dbLabel = config.dbLabel
        self.timeSource = timeSource
        acceptedLines = Counter(label: "petrel_ingest_lines_total", dimensions: [("protocol", "influx"), ("outcome", "accepted")])
        rejectedLines = Counter(label: "petrel_ingest_lines_total", dimensions: [("protocol", "influx"), ("outcome", "rejected")])
        acceptedPromLines = Counter(label: "petrel_ingest_lines_total", dimensions: [("protocol", "prometheus"), ("outcome", "accepted")])
        rejectedPromLines = Counter(label: "petrel_ingest_lines_total", dimensions: [("protocol", "prometheus"), ("outcome", "rejected")])
        appendLatency = Metrics.Timer(label: "petrel_ingest_append_seconds")
    }

    /// Ingests an InfluxDB line-protocol body. Valid lines are kept even when
    /// others are rejected, as InfluxDB does.
    public func writeLineProtocol(_ body: [UInt8], precision: Precision, db: String?) async throws -> Outcome {
        let receivedNanos = timeSource.nowNanos()
        var parser = LineProtocolParser()
        // Where each valid line sits in the body; copied out only if some line was bad.
        var kept: [Range<Int>] = []
        let summary = body.withUnsafeBytes { buffer in
            parser.parse(buffer, precision: precision, defaultTimestamp: receivedNanos) { line in
                let start = line.raw.baseAddress! - buffer.baseAddress!
                kept.append(start..<(start + line.raw.count))
            }
        }
        let outcome = Outcome(summary, describe: \.influxDescription, accepted: acceptedLines, rejected: rejectedLines)
        guard summary.accepted > 0 else { return outcome }
        var headers = [
            RecordHeader(key: Header.format, value: Array(Format.influx.rawValue.utf8)),
            RecordHeader(key: Header.precision, value: Array(precision.headerName.utf8)),
        ]
        if dbLabel, let db, !db.isEmpty {
            headers.append(RecordHeader(key: Header.db, value: Array(db.utf8)))
        }
        var value = body
        if summary.rejected > 0 {
            value = []
            value.reserveCapacity(body.count)
            for range in kept {
                if !value.isEmpty { value.append(UInt8(ascii: "\n")) }
                value.append(contentsOf: body[range])
            }
        }
        try await append(value, headers: headers, timestampNanos: receivedNanos)
        return outcome
    }

    /// Ingests a Prometheus text exposition body (`/api/v1/import/prometheus`).
    /// The body is stored as sent; the TSDB skips its bad lines again on read.
    public func importPrometheus(_ body: [UInt8]) async throws -> Outcome {
        let receivedNanos = timeSource.nowNanos()
        let summary = body.withUnsafeBytes { buffer in
            PrometheusTextParser().parse(buffer, defaultTimestamp: receivedNanos / 1_000_000) { _, _, _ in }
        }
        let outcome = Outcome(summary, describe: \.description, accepted: acceptedPromLines, rejected: rejectedPromLines)
        guard summary.accepted > 0 else { return outcome }
        let headers = [RecordHeader(key: Header.format, value: Array(Format.prometheus.rawValue.utf8))]
        try await append(body, headers: headers, timestampNanos: receivedNanos)
        return outcome
    }

    private func append(_ value: [UInt8], headers: [RecordHeader], timestampNanos: Int64) async throws {
        let start = monotonicNanos()
        let record = Record(offset: 0, timestamp: timestampNanos / 1_000_000, key: nil, value: value, headers: headers)
        _ = try await partition.append([record])
        appendLatency.recordNanoseconds(Int64(monotonicNanos() - start))
    }
}

extension Precision {
    /// The v1 name written in the `petrel-precision` header; `Precision(v1:)` reads it back.
    var headerName: String {
        switch self {
        case .nanoseconds: return "ns"
        case .microseconds: return "us"
        case .milliseconds: return "ms"
        case .seconds: return "s"
        case .minutes: return "m"
        case .hours: return "h"
        }
    }
}
