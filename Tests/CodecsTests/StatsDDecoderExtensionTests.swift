import Testing
@testable import Codecs

/// Telegraf's multi-value lines and DogStatsD events and service checks.
@Suite struct StatsDDecoderExtensionTests {
    /// Decodes `line`; returns what it held and its metrics as (type, value, rate, tags text).
    func decodeLine(_ line: String) -> (Result<StatsDLineKind, StatsDFailure>, [(StatsDType, Double, Double, String?)]) {
        let bytes = Array(line.utf8)
        var metrics: [(StatsDType, Double, Double, String?)] = []
        let result = bytes.withUnsafeBytes { raw in
            StatsDDecoder.decodeLine(raw, line: 0..<raw.count) { m in
                metrics.append((m.type, m.value, m.sampleRate, m.tags.map { String(decoding: bytes[$0], as: UTF8.self) }))
            }
        }
        return (result, metrics)
    }

    @Test("several values in one line share the name; each has its own type and sample rate")
    func multiValue() throws {
        let (result, metrics) = decodeLine("users.current:32|g:+10|g:1|c|@0.5:200|ms")
        #expect(try result.get() == .metrics(4))
        #expect(metrics.map(\.0) == [.gauge, .gauge, .counter, .timing])
        #expect(metrics.map(\.1) == [32, 10, 1, 200])
        #expect(metrics.map(\.2) == [1, 1, 0.5, 1])
    }

    @Test("DogStatsD tags anywhere in a multi-value line apply to every value, colons and all")
    func multiValueTags() throws {
        // A tags section runs to the next bar, so here `:2` belongs to the tag value and `|ms` is unknown.
        #expect(decodeLine("x:1|c|#env:prod,k:v:2|ms").0 == .failure(.badSection))
        let (result2, metrics2) = decodeLine("x:1|c:2|ms|@0.1|#env:prod")
        #expect(try result2.get() == .metrics(2))
        #expect(metrics2.map(\.3) == ["env:prod", "env:prod"])
        #expect(metrics2.map(\.2) == [1, 0.1])
    }

    @Test("a bad value after good ones fails the line after passing the good ones on")
    func multiValueFailure() {
        let (result, metrics) = decodeLine("x:1|c:abc|g")
        #expect(result == .failure(.badValue))
        #expect(metrics.count == 1)
        #expect(decodeLine("x:1|c:").0 == .failure(.missingType))
        #expect(decodeLine("x:1|c:2|q").0 == .failure(.unknownType))
    }

    @Test("decode gives the first metric of a multi-value line")
    func firstOfMany() throws {
        let bytes = Array("x:5|c:6|g".utf8)
        let m = try bytes.withUnsafeBytes { StatsDDecoder.decode($0, line: 0..<$0.count) }.get()
        #expect(m.type == .counter && m.value == 5)
    }

    @Test("DogStatsD events are recognised when their lengths match the title and text")
    func events() {
        #expect(decodeLine("_e{5,4}:hello|text").0 == .success(.event))
        #expect(decodeLine("_e{5,10}:hello|two\\nlines|d:1700000000|h:web1|p:low|t:warning|#env:prod").0 == .success(.event))
        #expect(decodeLine("_e{5,0}:hello|").0 == .success(.event))
        for bad in ["_e{5,4}:hell|text", "_e{5,9}:hello|text", "_e{x,4}:hello|text", "_e{5,4}hello|text",
                    "_e{5,4}:hello|text|zz", "_e{5,4}:hello|text|q:1", "_e{0,4}:|text", "_e{"] {
            #expect(decodeLine(bad).0 == .failure(.badEvent), "\(bad)")
        }
    }

    @Test("DogStatsD service checks need a name and a status from 0 to 3")
    func serviceChecks() {
        #expect(decodeLine("_sc|app.up|0").0 == .success(.serviceCheck))
        #expect(decodeLine("_sc|app.up|2|d:1700000000|h:web1|#env:prod|m:disk | almost full").0 == .success(.serviceCheck))
        for bad in ["_sc|app.up|4", "_sc||0", "_sc|app.up", "_sc|app.up|0|x:1", "_sc|app.up|01", "_sc"] {
            #expect(decodeLine(bad).0 == .failure(.badServiceCheck), "\(bad)")
        }
    }
}
