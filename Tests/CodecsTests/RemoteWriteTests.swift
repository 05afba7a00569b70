import Codecs
import PetrelCore
import Testing

@Suite("Prometheus remote write decoding")
struct RemoteWriteTests {
    static let request = RemoteWriteRequest(timeseries: [
        .init(labels: [Label("__name__", "http_requests_total"), Label("job", "api"), Label("path", "/a\"b\\c\nd")],
              timestamps: [1_700_000_000_000, 1_700_000_015_000], values: [1, 2.5]),
        .init(labels: [Label("__name__", "temp"), Label("room", "ü")],
              timestamps: [-5, 3, 4, 5], values: [.nan, .infinity, -.infinity, StaleMarker.value]),
    ])

    /// Everything `text` parses to, in order.
    static func samples(_ text: [UInt8]) -> [(Labels, Int64, Double)] {
        var out: [(Labels, Int64, Double)] = []
        let summary = PrometheusTextParser.parse(text, defaultTimestamp: 0) { out.append(($0, $1, $2)) }
        #expect(summary.rejected == 0)
        return out
    }

    @Test("a request survives protobuf, snappy and decoding unchanged")
    func roundTrip() throws {
        let body = SnappyBlock.compress(Self.request.protobuf())
        let decoded = try RemoteWriteRequest(protobuf: try SnappyBlock.decompress(body, maxBytes: 1 << 20))
        #expect(decoded == Self.request)
        #expect(decoded.sampleCount == 6)
    }

    @Test("the text form keeps labels, timestamps and special values exactly")
    func textForm() throws {
        let samples = Self.samples(try Self.request.prometheusText())
        #expect(samples.count == 6)
        #expect(samples[0].0 == Labels(["__name__": "http_requests_total", "job": "api", "path": "/a\"b\\c\nd"]))
        #expect(samples[1].1 == 1_700_000_015_000 && samples[1].2 == 2.5)
        #expect(samples[2].0["room"] == "ü" && samples[2].1 == -5 && samples[2].2.isNaN)
        #expect(samples[3].2 == .infinity && samples[4].2 == -.infinity)
        #expect(StaleMarker.isStale(samples[5].2))
    }

    @Test("finite values round-trip bit for bit through the text form")
    func valuesRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        let values = (0..<500).map { _ in Double(bitPattern: rng.next()) }.filter(\.isFinite) + [0, -0.0, 1e-300, 5e20, .ulpOfOne]
        let request = RemoteWriteRequest(timeseries: [.init(labels: [Label("__name__", "x")],
                                                             timestamps: values.indices.map(Int64.init), values: values)])
        let back = Self.samples(try request.prometheusText()).map(\.2)
        #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("unknown fields are skipped")
    func unknownFields() throws {
        // A metadata entry (field 3) and a varint field 9 around one series.
        var body: [UInt8] = [0x1A, 0x02, 0x08, 0x01, 0x48, 0x05]
        body += RemoteWriteRequest(timeseries: [.init(labels: [Label("__name__", "a")], timestamps: [1], values: [2])]).protobuf()
        let decoded = try RemoteWriteRequest(protobuf: body)
        #expect(decoded.timeseries.count == 1 && decoded.sampleCount == 1)
    }

    @Test("truncated or garbage protobuf is an error naming the byte")
    func badProtobuf() {
        let good = Self.request.protobuf()
        for cut in [1, 5, good.count / 2, good.count - 1] {
            #expect(throws: CodecError.self) { try RemoteWriteRequest(protobuf: Array(good.prefix(cut))) }
        }
        do {
            _ = try RemoteWriteRequest(protobuf: [0x0A, 0x7F, 0x01])
            Issue.record("accepted a length past the end")
        } catch {
            #expect(error.code == .remoteWrite)
            #expect(error.message.contains("at byte"))
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let junk = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? RemoteWriteRequest(protobuf: junk)
        }
    }

    @Test("bad snappy and oversized claims are refused")
    func badSnappy() {
        #expect(throws: CodecError.self) { try SnappyBlock.decompress([], maxBytes: 100) }
        #expect(throws: CodecError.self) { try SnappyBlock.decompress(Array("not snappy at all".utf8), maxBytes: 100) }
        let big = SnappyBlock.compress([UInt8](repeating: 7, count: 10_000))
        #expect(throws: CodecError.self) { try SnappyBlock.decompress(big, maxBytes: 9_999) }
        #expect((try? SnappyBlock.decompress(big, maxBytes: 10_000))?.count == 10_000)
    }

    @Test("series without a name or with bad label names are refused, naming the series")
    func badSeries() {
        let cases: [[Label]] = [
            [Label("job", "x")],
            [Label("__name__", "1bad")],
            [Label("__name__", "ok"), Label("bad-name", "v")],
            [Label("__name__", "ok"), Label("a", "1"), Label("a", "2")],
        ]
        for labels in cases {
            let request = RemoteWriteRequest(timeseries: [.init(labels: labels, timestamps: [1], values: [1])])
            #expect(throws: CodecError.self) { try request.prometheusText() }
        }
    }
}

@Suite("OpenMetrics text")
struct OpenMetricsParserTests {
    @Test("seconds timestamps, exemplars, _created and EOF")
    func openMetrics() {
        let body = """
        # TYPE requests counter
        # HELP requests Requests.
        requests_total{code="200"} 10 1700000000.5 # {trace_id="abc"} 1.0 1700000000.1
        requests_created{code="200"} 1699999000
        requests_total{code="500"} 2 # {trace_id="x y"} 1
        # TYPE up gauge
        up 1
        up_created 5
        # EOF
        after 1

        """
        var parser = PrometheusTextParser()
        parser.openMetrics = true
        var out: [(String, Int64, Double)] = []
        let summary = parser.parse(Array(body.utf8), defaultTimestamp: 7) { out.append(($0.name ?? "", $1, $2)) }
        #expect(summary.rejected == 0)
        #expect(out.map(\.0) == ["requests_total", "requests_total", "up", "up_created"])
        #expect(out[0].1 == 1_700_000_000_500 && out[0].2 == 10)
        #expect(out[1].1 == 7)
    }
}
