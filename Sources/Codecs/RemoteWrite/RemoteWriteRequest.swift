import PetrelCore

/// A Prometheus remote-write `WriteRequest` (prompb, protocol 1.0): series
/// with their labels and samples. Metadata, exemplars and native histograms
/// are skipped (Petrel stores float samples only).
///
/// Field numbers: WriteRequest{timeseries=1}, TimeSeries{labels=1, samples=2},
/// Label{name=1, value=2}, Sample{value=1 (double), timestamp=2 (int64 ms)}.
public struct RemoteWriteRequest: Sendable, Equatable {
    public struct TimeSeries: Sendable, Equatable {
        /// As sent (remote write requires them sorted by name; not relied on).
        public var labels: [Label]
        public var timestamps: [Int64]
        public var values: [Double]

        public init(labels: [Label], timestamps: [Int64] = [], values: [Double] = []) {
            self.labels = labels
            self.timestamps = timestamps
            self.values = values
        }

        public static func == (lhs: TimeSeries, rhs: TimeSeries) -> Bool {
            lhs.labels == rhs.labels && lhs.timestamps == rhs.timestamps && lhs.values.count == rhs.values.count
                && zip(lhs.values, rhs.values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }

    public var timeseries: [TimeSeries]

    public init(timeseries: [TimeSeries]) { self.timeseries = timeseries }

    /// How many samples the request holds.
    public var sampleCount: Int { timeseries.reduce(0) { $0 + $1.values.count } }

    /// Decodes a protobuf body (already decompressed).
    public init(protobuf body: [UInt8]) throws(CodecError) {
        do {
            timeseries = try body.withUnsafeBytes { try Self.decode($0) }
        } catch let error as ProtobufReader.Failure {
            throw CodecError(code: .remoteWrite, message: "invalid WriteRequest protobuf: \(error.message) at byte \(error.offset)",
                             line: 0, byteOffset: error.offset, text: "")
        } catch {
            throw CodecError(code: .remoteWrite, message: "invalid WriteRequest protobuf: \(error)", line: 0, byteOffset: 0, text: "")
        }
    }

    private static func decode(_ raw: UnsafeRawBufferPointer) throws(ProtobufReader.Failure) -> [TimeSeries] {
        var reader = ProtobufReader(raw)
        var series: [TimeSeries] = []
        while !reader.isAtEnd {
            let (field, wire) = try reader.fieldHeader()
            if field == 1 && wire == .lengthDelimited {
                var inner = try reader.message()
                series.append(try timeSeries(&inner))
            } else {
                try reader.skip(wire)
            }
        }
        return series
    }

    private static func timeSeries(_ reader: inout ProtobufReader) throws(ProtobufReader.Failure) -> TimeSeries {
        var result = TimeSeries(labels: [])
        while !reader.isAtEnd {
            let (field, wire) = try reader.fieldHeader()
            switch (field, wire) {
            case (1, .lengthDelimited):
                var inner = try reader.message()
                var name = "", value = ""
                while !inner.isAtEnd {
                    let (f, w) = try inner.fieldHeader()
                    switch (f, w) {
                    case (1, .lengthDelimited): name = try inner.string()
                    case (2, .lengthDelimited): value = try inner.string()
                    default: try inner.skip(w)
                    }
                }
                result.labels.append(Label(name, value))
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
            for label in series.labels {
                var l = ProtobufWriter()
                l.lengthDelimited(1, Array(label.name.utf8))
                l.lengthDelimited(2, Array(label.value.utf8))
                ts.lengthDelimited(1, l.bytes)
            }
            for (t, v) in zip(series.timestamps, series.values) {
                var s = ProtobufWriter()
                s.fixed64(1, v.bitPattern)
                s.header(2, .varint)
                s.varint(UInt64(bitPattern: t))
                ts.lengthDelimited(2, s.bytes)
            }
            out.lengthDelimited(1, ts.bytes)
        }
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
