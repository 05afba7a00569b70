import Testing
@testable import PetrelCore

@Suite struct CRC32CTests {
    @Test("CRC-32C matches the published check value and RFC 3720 vectors")
    func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum([UInt8]((0..<32).map { UInt8($0) })) == 0x46DD_794E)
    }

    @Test("checksumming in pieces equals checksumming at once")
    func incremental() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let data = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let cut = data.isEmpty ? 0 : Int.random(in: 0...data.count, using: &rng)
            let whole = CRC32C.checksum(data)
            let parts = CRC32C.checksum(Array(data[cut...]), continuing: CRC32C.checksum(Array(data[..<cut])))
            #expect(whole == parts)
        }
    }
}

@Suite struct VarintTests {
    @Test("signed and unsigned varints round-trip, including the extremes")
    func roundTrip() {
        let values: [Int64] = [0, 1, -1, 63, -64, 64, 300, -300, .max, .min, Int64(Int32.max), Int64(Int32.min)]
        var out: [UInt8] = []
        for v in values { Varint.appendSigned(v, to: &out) }
        out.withUnsafeBytes { buf in
            var offset = 0
            for v in values {
                #expect(Varint.readSigned(buf, at: &offset) == v)
            }
            #expect(offset == buf.count)
        }
        #expect(Varint.sizeSigned(-1) == 1 && Varint.sizeUnsigned(300) == 2)
    }

    @Test("a truncated or overlong varint reads as nil")
    func truncated() {
        [UInt8]([0x80, 0x80]).withUnsafeBytes { buf in
            var offset = 0
            #expect(Varint.readUnsigned(buf, at: &offset) == nil)
            #expect(offset == 0)
        }
        [UInt8](repeating: 0xFF, count: 11).withUnsafeBytes { buf in
            var offset = 0
            #expect(Varint.readUnsigned(buf, at: &offset) == nil)
        }
    }
}

@Suite struct ZlibTests {
    @Test("gzip round-trips and respects the output limit")
    func gzip() throws {
        let text = Array(String(repeating: "cpu,host=a usage=1 1\n", count: 1000).utf8)
        for format in [Zlib.Format.gzip, .zlib, .raw] {
            let packed = Zlib.compress(text, format: format)
            #expect(packed.count < text.count / 10)
            #expect(try Zlib.decompress(packed, format: format) == text)
        }
        let packed = Zlib.compress(text)
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(packed, limit: 1000) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(Array(packed.prefix(packed.count / 2))) }
        #expect(throws: Zlib.Failure.self) { try Zlib.decompress(Array("not gzip at all".utf8)) }
    }
}

@Suite struct LabelsTests {
    @Test("labels sort by name, drop empty values, and the last duplicate wins")
    func normalise() {
        let l = Labels([Label("b", "2"), Label("a", "1"), Label("c", ""), Label("a", "3"), Label("__name__", "up")])
        #expect(l.pairs.map(\.name) == ["__name__", "a", "b"])
        #expect(l["a"] == "3" && l["c"] == nil && l.name == "up")
        #expect(l.description == #"up{a="3", b="2"}"#)
        #expect(l.setting("c", to: "x")["c"] == "x")
        #expect(l.setting("a", to: "")["a"] == nil)
        #expect(l.stableHash == Labels([Label("a", "3"), Label("b", "2"), Label("__name__", "up")]).stableHash)
        #expect(l.stableHash != l.setting("b", to: "1").stableHash)
    }

    @Test("matchers are fully anchored and a missing label is the empty string")
    func matchers() throws {
        let re = try LabelMatcher(.regexMatch, "job", "api|web")
        #expect(re.matches("api") && !re.matches("apix") && !re.matches(""))
        #expect(re.setMatches == ["api", "web"])
        let prefix = try LabelMatcher(.regexMatch, "job", "ap.*")
        #expect(prefix.matches("api") && !prefix.matches("xapi"))
        let complex = try LabelMatcher(.regexMatch, "code", "5[0-9]{2}")
        #expect(complex.matches("503") && !complex.matches("5033") && !complex.matches("403"))
        let not = try LabelMatcher(.regexNoMatch, "x", ".+")
        #expect(not.matchesEmpty)
        #expect(try LabelMatcher(.notEqual, "a", "b").matches(""))
        #expect(throws: LabelMatcher.InvalidRegex.self) { try LabelMatcher(.regexMatch, "a", "(") }
    }
}

@Suite struct DurationTextTests {
    @Test("durations parse in Prometheus notation and reject junk")
    func parse() {
        #expect(DurationText.millis("15d") == Int64(15) * 86_400_000)
        #expect(DurationText.millis("1h30m") == 5_400_000)
        #expect(DurationText.millis("100ms") == 100)
        #expect(DurationText.millis("2w") == Int64(14) * 86_400_000)
        for bad in ["", "10", "h", "1x", "-5m", "1.5h", "99999999999999999999y"] {
            #expect(DurationText.millis(bad) == nil, "\(bad)")
        }
        #expect(DurationText.format(millis: 5_400_000) == "1h30m")
    }
}
