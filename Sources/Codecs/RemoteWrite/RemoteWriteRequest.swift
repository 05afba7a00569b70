import PetrelCore

/// A Prometheus remote-write `WriteRequest` (prompb, protocol 1.0): series
/// with their labels and samples, plus the family metadata and exemplars
/// (decoded; Petrel stores float samples only, see `MetricMetadata`). Native
/// histograms are counted and skipped.
///
/// Field numbers: WriteRequest{timeseries=1, metadata=3},
/// TimeSeries{labels=1, samples=2, exemplars=3, histograms=4},
/// Label{name=1, value=2}, Sample{value=1 (double), timestamp=2 (int64 ms)}.
public struct RemoteWriteRequest: Sendable, Equatable {
    public struct TimeSeries: Sendable, Equatable {
        /// As sent (remote write requires them sorted by name; not relied on).
        public var labels: [Label]
        public var timestamps: [Int64]
        public var values: [Double]
        public var exemplars: [Exemplar]
        /// Native histogram samples sent with the series (not decoded).
        public var histogramCount: Int

        public init(labels: [Label], timestamps: [Int64] = [], values: [Double] = [], exemplars: [Exemplar] = [],
                    histogramCount: Int = 0) {
            self.labels = labels
            self.timestamps = timestamps
            self.values = values
            self.exemplars = exemplars
            self.histogramCount = histogramCount
        }

        public static func == (lhs: TimeSeries, rhs: TimeSeries) -> Bool {
            lhs.labels == rhs.labels && lhs.timestamps == rhs.timestamps && lhs.values.count == rhs.values.count
                && zip(lhs.values, rhs.values).allSatisfy { $0.bitPattern == $1.bitPattern }
                && lhs.exemplars == rhs.exemplars && lhs.histogramCount == rhs.histogramCount
        }
    }

    public var timeseries: [TimeSeries]
    /// Type, help and unit per metric family, as the sender's scrapes saw them.
    public var metadata: [MetricMetadata]

    public init(timeseries: [TimeSeries], metadata: [MetricMetadata] = []) {
        self.timeseries = timeseries
        self.metadata = metadata
    }

    /// How many samples the request holds.
    public var sampleCount: Int { timeseries.reduce(0) { $0 + $1.values.count } }
    /// How many exemplars the request holds.
    public var exemplarCount: Int { timeseries.reduce(0) { $0 + $1.exemplars.count } }
    /// How many native histogram samples the request holds.
    public var histogramCount: Int { timeseries.reduce(0) { $0 + $1.histogramCount } }

    /// Decodes a protobuf body (already decompressed).
    public init(protobuf body: [UInt8]) throws(CodecError) {
        do {
            (timeseries, metadata) = try body.withUnsafeBytes { try Self.decode($0) }
        } catch let error as ProtobufReader.Failure {
            throw CodecError(code: .remoteWrite, message: "invalid WriteRequest protobuf: \(error.message) at byte \(error.offset)",
                             line: 0, byteOffset: error.offset, text: "")
        } catch {
            throw CodecError(code: .remoteWrite, message: "invalid WriteRequest protobuf: \(error)", line: 0, byteOffset: 0, text: "")
        }
    }

    private static func decode(_ raw: UnsafeRawBufferPointer) throws(ProtobufReader.Failure) -> ([TimeSeries], [MetricMetadata]) {
        var reader = ProtobufReader(raw)
        var series: [TimeSeries] = []
        var metadata: [MetricMetadata] = []
        while !reader.isAtEnd {
            let (field, wire) = try reader.fieldHeader()
            switch (field, wire) {
            case (1, .lengthDelimited):
                var inner = try reader.message()
                series.append(try timeSeries(&inner))
            case (3, .lengthDelimited):
                var inner = try reader.message()
                metadata.append(try MetricMetadata.decode(&inner))
            default:
                try reader.skip(wire)
            }
        }
        return (series, metadata)
    }

    /// One `Label{name=1, value=2}` message.
    static func label(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) -> Label {
        var name = "", value = ""
        while !reader.isAtEnd {
            let (f, w) = try reader.fieldHeader()
            switch (f, w) {
            case (1, .lengthDelimited): name = try reader.string()
            case (2, .lengthDelimited): value = try reader.string()
            default: try reader.skip(w)
            }
        }
        return Label(name, value)
    }

    static func encode(_ label: Label) -> [UInt8] {
        var l = ProtobufWriter()
        l.lengthDelimited(1, Array(label.name.utf8))
        l.lengthDelimited(2, Array(label.value.utf8))
        return l.bytes
    }

    private static func timeSeries(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) -> TimeSeries {
        var result = TimeSeries(labels: [])
        while !reader.isAtEnd {
            let (field, wire) = try reader.fieldHeader()
            switch (field, wire) {
            case (1, .lengthDelimited):
                var inner = try reader.message()
                result.labels.append(try label(&inner))
            case (2, .lengthDelimited):
                var inner = try reader.message()
                var value = 0.0
                var timestamp: Int64 = 0
                while !inner.isAtEnd {
                    let (f, w) = try inner.fieldHeader()
                    switch (f, w) {
                    case (1, .fixed64): value = Double(bitPattern: try inner.fixed64())
                    case (2, .varint): timestamp = Int64(bitPattern: try inner.varint())
                    default: try inner.skip(w)
                    }
                }
                result.timestamps.append(timestamp)
                result.values.append(value)
            case (3, .lengthDelimited):
                var inner = try reader.message()
                result.exemplars.append(try Exemplar.decode(&inner))
            case (4, .lengthDelimited):
                _ = try reader.message()
                result.histogramCount += 1
            default:
                try reader.skip(wire)
            }
        }
        return result
    }

    /// The protobuf encoding of this request (what a sender writes before snappy).
    public func protobuf() -> [UInt8] {
        var out = ProtobufWriter()
        for series in timeseries {
            var ts = ProtobufWriter()
            for label in series.labels { ts.lengthDelimited(1, Self.encode(label)) }
            for (t, v) in zip(series.timestamps, series.values) {
                var s = ProtobufWriter()
                s.fixed64(1, v.bitPattern)
                s.header(2, .varint)
                s.varint(UInt64(bitPattern: t))
                ts.lengthDelimited(2, s.bytes)
            }
            for exemplar in series.exemplars { ts.lengthDelimited(3, exemplar.encode()) }
            out.lengthDelimited(1, ts.bytes)
        }
        for family in metadata { out.lengthDelimited(3, family.encode()) }
        return out.bytes
    }

    /// The request as Prometheus text with an explicit timestamp on every
    /// sample (the metrics topic's `prometheus` format). Throws, naming the
    /// series, when a series has no metric name, an invalid metric or label
    /// name, or a label name twice.
    public func prometheusText() throws(CodecError) -> [UInt8] {
        var writer = PrometheusTextWriter(capacity: sampleCount * 64)
        for (index, series) in timeseries.enumerated() where !series.values.isEmpty {
            let labels: Labels
            do throws(PrometheusTextWriter.Failure) {
                labels = try PrometheusTextWriter.checkedLabels(series.labels)
            } catch {
                throw CodecError(code: .remoteWrite, message: "timeseries \(index): \(error.message)", line: 0, byteOffset: 0,
                                 text: series.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ","))
            }
            for (t, v) in zip(series.timestamps, series.values) {
                writer.sample(labels, timestamp: t, value: v)
            }
        }
        return writer.bytes
    }
}
