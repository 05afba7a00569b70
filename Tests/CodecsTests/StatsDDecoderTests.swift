import Testing
@testable import Codecs

@Suite struct StatsDDecoderTests {
    /// Decodes `line` and returns the metric with its ranges read back as text.
    func decode(_ line: String) -> Result<(StatsDMetric, name: String, nameTags: String?, tags: String?, value: String), StatsDFailure> {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBytes { raw in
            StatsDDecoder.decode(raw, line: 0..<raw.count).map { m in
                func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
                return (m, text(m.name), m.nameTags.map(text), m.tags.map(text), text(m.valueText))
            }
        }
    }

    @Test("a plain counter has its name, value and a sample rate of 1")
    func counter() throws {
        let (m, name, _, tags, _) = try decode("page.views:3|c").get()
        #expect(name == "page.views")
        #expect(m.type == .counter)
        #expect(m.value == 3)
        #expect(m.sampleRate == 1)
        #expect(tags == nil)
    }

    @Test("every type code is recognised")
    func types() throws {
        let cases: [(String, StatsDType)] = [("c", .counter), ("g", .gauge), ("ms", .timing), ("h", .histogram),
                                            ("d", .distribution), ("s", .set)]
        for (code, type) in cases {
            #expect(try decode("x:1|\(code)").get().0.type == type)
        }
    }

    @Test("sample rate and DogStatsD tags are read in either order")
    func rateAndTags() throws {
        let (m, _, _, tags, _) = try decode("req:1|c|@0.25|#env:prod,region:eu").get()
        #expect(m.sampleRate == 0.25)
        #expect(tags == "env:prod,region:eu")
        let (m2, _, _, tags2, _) = try decode("req:1|ms|#a:b|@0.5").get()
        #expect(m2.sampleRate == 0.5)
        #expect(tags2 == "a:b")
    }

    @Test("signed gauge values are deltas; unsigned ones are levels")
    func gaugeDeltas() throws {
        let plus = try decode("g:+5|g").get().0
        #expect(plus.isDelta && plus.value == 5)
        let minus = try decode("g:-2.5|g").get().0
        #expect(minus.isDelta && minus.value == -2.5)
        let level = try decode("g:7|g").get().0
        #expect(!level.isDelta && level.value == 7)
        #expect(!(try decode("c:-1|c").get().0.isDelta))
    }

    @Test("Influx-style tags in the name are split from it")
    func nameTags() throws {
        let (_, name, nameTags, _, _) = try decode("users.current,service=payroll,region=us:32|g").get()
        #expect(name == "users.current")
        #expect(nameTags == "service=payroll,region=us")
    }

    @Test("set members keep their text")
    func setMember() throws {
        let (m, _, _, _, value) = try decode("uniques:user-42|s").get()
        #expect(m.type == .set)
        #expect(value == "user-42")
    }

    @Test("container ids and timestamps of DogStatsD 1.2+ are accepted and ignored")
    func dogStatsDExtensions() throws {
        let (m, _, _, tags, _) = try decode("x:1|c|#a:b|c:abc123|T1700000000").get()
        #expect(m.value == 1)
        #expect(tags == "a:b")
    }

    @Test("malformed lines are rejected with the reason")
    func failures() {
        let cases: [(String, StatsDFailure)] = [
            ("novalue", .missingColon), (":1|c", .emptyName), ("x:1", .missingType), ("x:1|q", .unknownType),
            ("x:abc|c", .badValue), ("x:|c", .badValue), ("x:1|c|@2", .badSampleRate), ("x:1|c|@0", .badSampleRate),
            ("x:1|c|zzz", .badSection), ("x,tag:1|c", .badTag), ("x:1|c|", .badSection), ("x:|s", .badValue),
        ]
        for (line, failure) in cases {
            guard case .failure(let got) = decode(line) else {
                Issue.record("\(line) was accepted")
                continue
            }
            #expect(got == failure, "\(line)")
        }
    }

    @Test("a packet is split into its non-empty lines, CRLF or LF, numbered from 1")
    func lines() {
        let packet = Array("a:1|c\r\n\nb:2|g\nc:3|ms".utf8)
        var seen: [(Int, String)] = []
        packet.withUnsafeBytes { raw in
            StatsDDecoder.forEachLine(raw) { n, r in seen.append((n, String(decoding: packet[r], as: UTF8.self))) }
        }
        #expect(seen.map(\.0) == [1, 3, 4])
        #expect(seen.map(\.1) == ["a:1|c", "b:2|g", "c:3|ms"])
    }

    @Test("random bytes, multi-value and DogStatsD-like ones included, never crash the decoder")
    func randomInput() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab.:|@#,=+-0123456789cgmshdT_e{}\n ".utf8)
        for _ in 0..<5000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBytes { raw in
                StatsDDecoder.forEachLine(raw) { _, line in
                    _ = StatsDDecoder.decode(raw, line: line)
                    _ = StatsDDecoder.decodeLine(raw, line: line) { _ in }
                }
            }
        }
    }
}
