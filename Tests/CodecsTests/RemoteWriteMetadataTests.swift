import Codecs
import PetrelCore
import Testing

@Suite("Prometheus remote write: metadata, exemplars and histograms")
struct RemoteWriteMetadataTests {
    /// A length-delimited protobuf field.
    static func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(payload.count)] + payload }

    @Test("metadata entries are decoded as Prometheus sends them")
    func metadataFromBytes() throws {
        // MetricMetadata{type=GAUGE(2), metric_family_name="temp", help="Room temperature.", unit="celsius"}
        let entry: [UInt8] = [0x08, 0x02] + Self.field(2, Array("temp".utf8)) + Self.field(4, Array("Room temperature.".utf8))
            + Self.field(5, Array("celsius".utf8))
        // A newer type number (99) is kept as unknown rather than refused.
        let newer: [UInt8] = [0x08, 99] + Self.field(2, Array("x".utf8))
        let decoded = try RemoteWriteRequest(protobuf: Self.field(3, entry) + Self.field(3, newer))
        #expect(decoded.metadata == [MetricMetadata(type: .gauge, family: "temp", help: "Room temperature.", unit: "celsius"),
                                     MetricMetadata(type: .unknown, family: "x")])
        #expect(decoded.metadata[0].type.name == "gauge")
        #expect(decoded.timeseries.isEmpty && decoded.sampleCount == 0)
    }

    @Test("exemplars, metadata and series survive encoding and decoding; histograms are counted")
    func roundTrip() throws {
        let request = RemoteWriteRequest(timeseries: [
            .init(labels: [Label("__name__", "req_seconds_bucket"), Label("le", "0.5")], timestamps: [1000], values: [7],
                  exemplars: [Exemplar(labels: [Label("trace_id", "abc123")], value: 0.31, timestamp: 999)]),
        ], metadata: [MetricMetadata(type: .histogram, family: "req_seconds", help: "Request latency.", unit: "seconds")])
        let decoded = try RemoteWriteRequest(protobuf: request.protobuf())
        #expect(decoded == request)
        #expect(decoded.exemplarCount == 1 && decoded.sampleCount == 1)

        // A native histogram (TimeSeries field 4) is skipped and counted.
        let series = Self.field(1, Self.field(1, Array("__name__".utf8)) + Self.field(2, Array("h".utf8)))
            + Self.field(4, [0x08, 0x01])
        let withHistogram = try RemoteWriteRequest(protobuf: Self.field(1, series))
        #expect(withHistogram.histogramCount == 1 && withHistogram.sampleCount == 0)
    }

    @Test("a truncated metadata entry is an error, not a crash")
    func truncatedMetadata() {
        #expect(throws: CodecError.self) { _ = try RemoteWriteRequest(protobuf: [0x1A, 0x05, 0x08, 0x02, 0x12, 0x09, 0x61]) }
    }
}
