import PetrelCore

/// Writes samples as Prometheus text lines, `name{a="b"} value timestamp`,
/// for metrics-topic records that `PrometheusTextParser` reads back exactly:
/// label values escaped, `NaN`, `+Inf`, `-Inf` spelled out, and Prometheus'
/// stale marker written as `StaleNaN` so it survives the round trip.
public struct PrometheusTextWriter: Sendable {
    /// A label set the text format cannot carry.
    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// The value token for `StaleMarker.value`.
    public static let staleToken = "StaleNaN"

    public private(set) var bytes: [UInt8] = []
    /// Lines written.
    public private(set) var count = 0

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Appends one sample line; `labels` must hold `__name__` (see `checkedLabels`).
    public mutating func sample(_ labels: Labels, timestamp: Int64, value: Double) {
        bytes += (labels.name ?? "").utf8
        var first = true
        for label in labels where label.name != Labels.metricName {
            bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            bytes += label.name.utf8
            bytes += "=\"".utf8
            for b in label.value.utf8 {
                switch b {
                case UInt8(ascii: "\\"): bytes += "\\\\".utf8
                case UInt8(ascii: "\""): bytes += "\\\"".utf8
                case UInt8(ascii: "\n"): bytes += "\\n".utf8
                default: bytes.append(b)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        if !first { bytes.append(UInt8(ascii: "}")) }
        bytes.append(UInt8(ascii: " "))
        bytes += Self.format(value).utf8
        bytes.append(UInt8(ascii: " "))
        bytes += String(timestamp).utf8
        bytes.append(UInt8(ascii: "\n"))
        count += 1
    }

    /// A value as the parser reads it back bit for bit (finite values use
    /// Swift's shortest round-trip form).
    public static func format(_ value: Double) -> String {
        if StaleMarker.isStale(value) { return staleToken }
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return value.description
    }

    /// `pairs` as sorted `Labels` after checking the text format can carry
    /// them: a metric name, valid names, no name twice.
    public static func checkedLabels(_ pairs: [Label]) throws(Failure) -> Labels {
        var seen = Set<String>()
        for label in pairs {
            guard seen.insert(label.name).inserted else { throw Failure(message: "label name \"\(label.name)\" appears twice") }
            if label.name == Labels.metricName {
                guard isMetricName(label.value) else { throw Failure(message: "invalid metric name \"\(label.value)\"") }
            } else {
                guard isLabelName(label.name) else { throw Failure(message: "invalid label name \"\(label.name)\"") }
            }
        }
        guard seen.contains(Labels.metricName) else { throw Failure(message: "no metric name (label __name__)") }
        return Labels(pairs.filter { !$0.value.isEmpty || $0.name == Labels.metricName })
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isMetricName(_ name: String) -> Bool {
        var first = true
        for b in name.utf8 {
            let ok = PrometheusLine.isNameStart(b) || b == UInt8(ascii: ":") || (!first && PrometheusLine.isNameChar(b))
            guard ok else { return false }
            first = false
        }
        return !first
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isLabelName(_ name: String) -> Bool {
        var first = true
        for b in name.utf8 {
            guard first ? PrometheusLine.isNameStart(b) : PrometheusLine.isNameChar(b) else { return false }
            first = false
        }
        return !first
    }
}
