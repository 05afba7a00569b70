import Codecs
import PetrelCore
import Testing

/// One mapped sample, owned.
private struct Mapped: Equatable {
    var labels: Labels
    var key: [UInt8]
    var hash: UInt64
    var timestamp: Int64
    var value: Double
}

private func map(_ text: String, extraLabels: [Label] = [], precision: Precision = .nanoseconds) -> [Mapped] {
    var parser = LineProtocolParser()
    var mapper = InfluxSampleMapper(extraLabels: extraLabels)
    var out: [Mapped] = []
    _ = parser.parse(Array(text.utf8), precision: precision, defaultTimestamp: 0) { line in
        mapper.forEachSample(of: line) { key, timestamp, value in
            out.append(Mapped(labels: key.makeLabels(), key: key.copyBytes(), hash: key.hash,
                              timestamp: timestamp, value: value))
        }
    }
    return out
}

@Suite("Line protocol to samples")
struct InfluxSampleMapperTests {
    @Test("each numeric field becomes a sample named measurement_field")
    func basicMapping() {
        let samples = map("m,tag=v f1=1,f2=2i,f3=t,f4=f,f5=\"text\",f6=7u 1500000000")
        #expect(samples.map(\.labels) == [
            Labels(["__name__": "m_f1", "tag": "v"]), Labels(["__name__": "m_f2", "tag": "v"]),
            Labels(["__name__": "m_f3", "tag": "v"]), Labels(["__name__": "m_f4", "tag": "v"]),
            Labels(["__name__": "m_f6", "tag": "v"]),
        ])
        #expect(samples.map(\.value) == [1, 2, 1, 0, 7])
        #expect(samples.allSatisfy { $0.timestamp == 1500 })
    }

    @Test("timestamps are floored to milliseconds, negative ones too")
    func timestampFloor() {
        #expect(InfluxSampleMapper.milliseconds(1_999_999) == 1)
        #expect(InfluxSampleMapper.milliseconds(-1) == -1)
        #expect(InfluxSampleMapper.milliseconds(-1_000_000) == -1)
        #expect(InfluxSampleMapper.milliseconds(-1_000_001) == -2)
        #expect(map("m f=1 -1").first?.timestamp == -1)
        #expect(map("m f=1 5", precision: .seconds).first?.timestamp == 5000)
    }

    @Test("extra labels are added to every sample and override tags")
    func extraLabels() {
        let samples = map("m,db=other,host=a f=1,g=2", extraLabels: [Label("db", "x"), Label("empty", "")])
        #expect(samples.map(\.labels) == [
            Labels(["__name__": "m_f", "db": "x", "host": "a"]),
            Labels(["__name__": "m_g", "db": "x", "host": "a"]),
        ])
    }

    @Test("a __name__ tag cannot replace the metric name")
    func nameTagIgnored() {
        #expect(map("m,__name__=evil f=1").first?.labels == Labels(["__name__": "m_f"]))
    }

    @Test("equal series give equal key bytes and hashes, different series do not")
    func keyEquality() {
        let a = map("cpu,host=a,region=x usage=1 1\ncpu,region=x,host=a usage=2 2\ncpu,host=b,region=x usage=3 3\ncpu,host=a,region=x idle=4 4")
        #expect(a.count == 4)
        #expect(a[0].key == a[1].key && a[0].hash == a[1].hash)
        #expect(a[0].key != a[2].key && a[0].hash != a[2].hash)
        #expect(a[0].key != a[3].key && a[0].hash != a[3].hash)
    }

    @Test("keys cannot collide through separators inside names or values")
    func noAmbiguity() {
        let a = map("m,a=bc f=1\nm,ab=c f=1\nm_f,a=b x=1")
        #expect(Set(a.map(\.key)).count == 3)
    }

    @Test("escaped names survive the round trip into labels")
    func escapedNames() {
        let s = map(#"my\ m,ta\,g=v\ al f\=x=1"#)
        #expect(s.first?.labels == Labels(["__name__": "my m_f=x", "ta,g": "v al"]))
    }

    @Test("round trip: random points map to the labels built the slow way")
    func roundTrip() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("abcXYZ09_ ,=\\\"é".unicodeScalars)
        func word() -> String {
            String(String.UnicodeScalarView((0..<Int.random(in: 1...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
        }
        func escaped(_ s: String, _ specials: Set<Character>) -> String {
            var out = ""
            for c in s { if specials.contains(c) { out.append("\\") }; out.append(c) }
            return out
        }
        for _ in 0..<300 {
            let measurement = word().replacingBackslashes()
            var tags: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { tags[word().replacingBackslashes()] = word().replacingBackslashes() }
            let fieldName = word().replacingBackslashes()
            let value = Double(Int.random(in: -1000...1000, using: &rng)) / 4
            var line = escaped(measurement, [",", " "])
            for (k, v) in tags.sorted(by: { $0.key < $1.key }) {
                line += "," + escaped(k, [",", " ", "="]) + "=" + escaped(v, [",", " ", "="])
            }
            line += " " + escaped(fieldName, [",", " ", "=", "\""]) + "=\(value) 1000000"
            let samples = map(line, extraLabels: [Label("db", "x")])
            var expected = tags.filter { $0.key != "__name__" }
            expected["db"] = "x"
            expected["__name__"] = measurement + "_" + fieldName
            #expect(samples.count == 1, "\(line)")
            #expect(samples.first?.labels == Labels(expected), "\(line)")
            #expect(samples.first?.value == value)
            #expect(samples.first?.timestamp == 1)
        }
    }
}

extension String {
    /// Test words avoid a trailing backslash, which would escape the separator after it.
    fileprivate func replacingBackslashes() -> String {
        String(map { $0 == "\\" ? "_" : $0 })
    }
}
