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
        var kept: [UInt8] = []
        var outcome = Outcome()
        let summary = body.withUnsafeBytes { buffer in
            parser.parse(buffer, precision: precision, defaultTimestamp: receivedNanos) { line in
                if !kept.isEmpty { kept.append(UInt8(ascii: "\n")) }
                kept.append(contentsOf: line.raw)
            }
        }
        outcome.accepted = summary.accepted
        outcome.rejected = summary.rejected
        if let error = summary.firstError {
            outcome.firstError = error.influxDescription
            outcome.firstErrorLine = error.line
        }
        acceptedLines.increment(by: summary.accepted)
        rejectedLines.increment(by: summary.rejected)
        guard summary.accepted > 0 else { return outcome }
        var headers = [
            RecordHeader(key: Header.format, value: Array(Format.influx.rawValue.utf8)),
            RecordHeader(key: Header.precision, value: Array(precision.headerName.utf8)),
        ]
        if dbLabel, let db, !db.isEmpty {
            headers.append(RecordHeader(key: Header.db, value: Array(db.utf8)))
        }
        // When every line was good the body is stored as it came.
        let value = summary.rejected == 0 ? body : kept
        try await append(value, headers: headers, timestampNanos: receivedNanos)
        return outcome
    }

    /// Ingests a Prometheus text exposition body (`/api/v1/import/prometheus`).
    public func importPrometheus(_ body: [UInt8]) async throws -> Outcome {
        let receivedNanos = timeSource.nowNanos()
        var outcome = Outcome()
        let summary = body.withUnsafeBytes { buffer in
            PrometheusTextParser().parse(buffer, defaultTimestamp: receivedNanos / 1_000_000) { _, _, _ in }
        }
        outcome.accepted = summary.accepted
        outcome.rejected = summary.rejected
        if let error = summary.firstError {
            outcome.firstError = error.description
            outcome.firstErrorLine = error.line
        }
        acceptedPromLines.increment(by: summary.accepted)
        rejectedPromLines.increment(by: summary.rejected)
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
