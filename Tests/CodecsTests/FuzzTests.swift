import PetrelCore
import Codecs
import Testing

@Suite("Decoders survive hostile input")
struct FuzzTests {
    /// Pieces of line protocol, so random mixes reach deep into the parser.
    static let pieces: [String] = [
        "m", "cpu", ",", " ", "=", "\"", "\\", "\n", "\r\n", "\t", "#", "i", "u", "e", "-", ".", "1", "12", "t",
        "false", "NaN", "9223372036854775808", "f=1", ",t=v", " f=\"s\"", " 123", "\0", "é", "\u{FF}",
        "{", "}", "a=\"b\"", "+Inf", "# TYPE x gauge", "# EOF",
    ]

    @Test("random bytes never crash the line-protocol parser")
    func randomBytesLineProtocol() {
        var rng = SplitMix64(seed: 1)
        var parser = LineProtocolParser()
        var mapper = InfluxSampleMapper(extraLabels: [.init("db", "x")])
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let summary = parser.parse(bytes, defaultTimestamp: 0) { line in
                _ = LineProtocolPoint(line)
                mapper.forEachSample(of: line) { key, _, _ in _ = key.makeLabels() }
            }
            #expect(summary.accepted + summary.rejected <= bytes.count + 1)
        }
    }

    @Test("random mixes of line-protocol pieces never crash, and accepted lines re-parse the same")
    func structuredFuzz() {
        var rng = SplitMix64(seed: 2)
        var parser = LineProtocolParser()
        var checker = LineProtocolParser()
        for _ in 0..<4000 {
            let text = (0..<Int.random(in: 1...16, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
            _ = parser.parse(Array(text.utf8), defaultTimestamp: 0) { line in
                // The raw bytes of an accepted line are themselves a valid body with the same point
                // (unless a newline in them was quoted only by context before the line).
                guard !line.raw.contains(UInt8(ascii: "\n")) else { return }
                let first = LineProtocolPoint(line)
                let again = checker.parsePoints(Array(line.raw), defaultTimestamp: 0)
                #expect(again.points == [first], "\(text.debugDescription)")
            }
        }
    }

    @Test("random bytes never crash the Prometheus text parser")
    func randomBytesPrometheus() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<3000 {
            let bytes: [UInt8]
            if Bool.random(using: &rng) {
                bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = Array((0..<Int.random(in: 1...16, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined().utf8)
            }
            _ = PrometheusTextParser.parse(bytes, defaultTimestamp: 0) { labels, _, _ in _ = labels.description }
        }
    }

    @Test("binary junk between good lines does not lose them")
    func junkBetweenLines() {
        var body = Array("a f=1 1\n".utf8)
        body += [0xFF, 0xFE, 0x00, 0x01, 0x0A]
        body += Array("b f=2 2\n".utf8)
        var parser = LineProtocolParser()
        let (points, summary) = parser.parsePoints(body, defaultTimestamp: 0)
        #expect(points.map(\.measurement) == ["a", "b"])
        #expect(summary.rejected == 1)
    }
}
