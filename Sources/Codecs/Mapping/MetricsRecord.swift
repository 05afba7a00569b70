/// How metrics travel in a topic: one record holds a batch of Influx line
/// protocol (or Prometheus text) lines; headers say which and at what
/// timestamp precision (see docs/formats/metrics-topic.md). Every metric
/// producer (HTTP ingest, pipeline sources) writes this, the TSDB reads it.
public enum MetricsRecord {
    /// Record header names.
    public enum Header {
        public static let format = "petrel-format"
        public static let precision = "petrel-precision"
        public static let db = "petrel-db"
    }

    /// The `petrel-format` header's values; absent means `influx`.
    public enum Format: String, Sendable {
        case influx = "influx"
        case prometheus = "prometheus"
    }
}

extension Precision {
    /// The v1 name written in the `petrel-precision` header; `Precision(v1:)` reads it back.
    public var headerName: String {
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
