import PetrelCore

/// The parts of a remote-write `WriteRequest` besides float samples, which
/// Petrel decodes (to count them and to check the body) but does not store:
/// per-family metadata (`WriteRequest.metadata`, field 3) and exemplars
/// (`TimeSeries.exemplars`, field 3). Native histograms (`TimeSeries.histograms`,
/// field 4) are only counted.
///
/// Field numbers: MetricMetadata{type=1 (enum), metric_family_name=2, help=4, unit=5},
/// Exemplar{labels=1, value=2 (double), timestamp=3 (int64 ms)}.
public struct MetricMetadata: Sendable, Equatable {
    /// `MetricMetadata.MetricType`, by its protobuf number.
    public enum MetricType: UInt64, Sendable {
        case unknown = 0, counter, gauge, histogram, gaugeHistogram, summary, info, stateSet

        /// The name Prometheus' `/api/v1/metadata` uses.
        public var name: String {
            switch self {
            case .unknown: "unknown"
            case .counter: "counter"
            case .gauge: "gauge"
            case .histogram: "histogram"
            case .gaugeHistogram: "gaugehistogram"
            case .summary: "summary"
            case .info: "info"
            case .stateSet: "stateset"
            }
        }
    }

    public var type: MetricType
    public var family: String
    public var help: String
    public var unit: String

    public init(type: MetricType, family: String, help: String = "", unit: String = "") {
        self.type = type
        self.family = family
        self.help = help
        self.unit = unit
    }

    static func decode(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) -> MetricMetadata {
        var result = MetricMetadata(type: .unknown, family: "")
        while !reader.isAtEnd {
            let (field, wire) = try reader.fieldHeader()
            switch (field, wire) {
            // A type number newer than this list is kept as unknown, not refused.
            case (1, .varint): result.type = MetricType(rawValue: try reader.varint()) ?? .unknown
            case (2, .lengthDelimited): result.family = try reader.string()
            case (4, .lengthDelimited): result.help = try reader.string()
            case (5, .lengthDelimited): result.unit = try reader.string()
            default: try reader.skip(wire)
            }
        }
        return result
    }

    func encode() -> [UInt8] {
        var out = ProtobufWriter()
        out.header(1, .varint)
        out.varint(type.rawValue)
        out.lengthDelimited(2, Array(family.utf8))
        if !help.isEmpty { out.lengthDelimited(4, Array(help.utf8)) }
        if !unit.isEmpty { out.lengthDelimited(5, Array(unit.utf8)) }
        return out.bytes
    }
}

/// An exemplar of a remote-write series: a sample of a traced request
/// (`trace_id` and such in `labels`) attached to the series.
public struct Exemplar: Sendable, Equatable {
    public var labels: [Label]
    public var value: Double
    public var timestamp: Int64

    public init(labels: [Label], value: Double, timestamp: Int64) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    public static func == (lhs: Exemplar, rhs: Exemplar) -> Bool {
        lhs.labels == rhs.labels && lhs.value.bitPattern == rhs.value.bitPattern && lhs.timestamp == rhs.timestamp
    }

    static func decode(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) -> Exemplar {
        var result = Exemplar(labels: [], value: 0, timestamp: 0)
        while !reader.isAtEnd {
            let (field, wire) = try reader.fieldHeader()
            switch (field, wire) {
            case (1, .lengthDelimited):
                var inner = try reader.message()
                result.labels.append(try RemoteWriteRequest.label(&inner))
            case (2, .fixed64): result.value = Double(bitPattern: try reader.fixed64())
            case (3, .varint): result.timestamp = Int64(bitPattern: try reader.varint())
            default: try reader.skip(wire)
            }
        }
        return result
    }

    func encode() -> [UInt8] {
        var out = ProtobufWriter()
        for label in labels { out.lengthDelimited(1, RemoteWriteRequest.encode(label)) }
        out.fixed64(2, value.bitPattern)
        out.header(3, .varint)
        out.varint(UInt64(bitPattern: timestamp))
        return out.bytes
    }
}
