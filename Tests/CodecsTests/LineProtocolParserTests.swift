import Codecs
import Testing

@Suite("Line protocol: what is accepted")
struct LineProtocolAcceptTests {
    @Test("a minimal line gets the default timestamp")
    func minimalLine() throws {
        let p = try #require(point("cpu value=1"))
        #expect(p.measurement == "cpu")
        #expect(p.tags.isEmpty)
        #expect(p.fields.count == 1)
        #expect(p.fields[0].key == "value" && p.fields[0].value == .float(1))
        #expect(p.timestampNanos == 42)
    }

    @Test("tags, several fields and a timestamp")
    func fullLine() throws {
        let p = try #require(point("cpu,host=a,region=b usage_user=1.5,usage_idle=90i,ok=true,note=\"x\" 1700000000000000000"))
        #expect(p.tags.map(\.key) == ["host", "region"])
        #expect(p.tags.map(\.value) == ["a", "b"])
        #expect(p.fields.map(\.key) == ["usage_user", "usage_idle", "ok", "note"])
        #expect(p.fields.map(\.value) == [.float(1.5), .integer(90), .boolean(true), .string("x")])
        #expect(p.timestampNanos == 1_700_000_000_000_000_000)
    }

    @Test("float forms InfluxDB accepts", arguments: [
        ("1", 1.0), ("1.5", 1.5), ("-1.5e10", -1.5e10), (".5", 0.5), ("5.", 5.0), ("-.5", -0.5),
        ("1E5", 1e5), ("1e+5", 1e5), ("1e-5", 1e-5), ("0", 0), ("-0", 0), ("007", 7),
        ("1.7976931348623157e308", 1.7976931348623157e308), ("1e-400", 0),
        ("123456789012345678901234567890", 123456789012345678901234567890.0),
        ("0.1", 0.1), ("3.141592653589793238462643383279", 3.141592653589793),
    ])
    func floats(text: String, expected: Double) throws {
        let p = try #require(point("m f=\(text)"))
        #expect(p.fields[0].value == .float(expected))
    }

    @Test("integers across the whole int64 range", arguments: [
        ("12i", Int64(12)), ("-12i", -12), ("0i", 0),
        ("9223372036854775807i", .max), ("-9223372036854775808i", .min), ("000000000000000000000001i", 1),
    ])
    func integers(text: String, expected: Int64) throws {
        let p = try #require(point("m f=\(text)"))
        #expect(p.fields[0].value == .integer(expected))
    }

    @Test("unsigned integers across the whole uint64 range")
    func unsigned() throws {
        #expect(point("m f=12u")?.fields[0].value == .unsigned(12))
        #expect(point("m f=18446744073709551615u")?.fields[0].value == .unsigned(.max))
    }

    @Test("every boolean spelling", arguments: ["t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"])
    func booleans(text: String) throws {
        let p = try #require(point("m f=\(text)"))
        #expect(p.fields[0].value == .boolean(text.lowercased().hasPrefix("t")))
    }

    @Test("string values keep spaces, commas, equals signs and newlines")
    func strings() throws {
        #expect(point("m s=\"hello world, x=1\"")?.fields[0].value == .string("hello world, x=1"))
        #expect(point("m s=\"\"")?.fields[0].value == .string(""))
        let (points, summary) = parse("m s=\"line one\nline two\" 5\nm2 f=1")
        #expect(summary.rejected == 0)
        #expect(points.count == 2)
        #expect(points[0].fields[0].value == .string("line one\nline two"))
        #expect(points[0].timestampNanos == 5)
    }

    @Test("string escapes: \\\" and \\\\ only")
    func stringEscapes() throws {
        #expect(point(#"m s="a\"b""#)?.fields[0].value == .string(#"a"b"#))
        #expect(point(#"m s="a\\b""#)?.fields[0].value == .string(#"a\b"#))
        #expect(point(#"m s="a\nb""#)?.fields[0].value == .string(#"a\nb"#))
        #expect(point(#"m s="tab\x""#)?.fields[0].value == .string(#"tab\x"#))
    }

    @Test("measurement escapes: comma and space; other backslashes stay")
    func measurementEscapes() throws {
        #expect(point(#"c\,p\ u f=1"#)?.measurement == "c,p u")
        #expect(point(#"a\=b f=1"#)?.measurement == #"a\=b"#)
        #expect(point(#"a\b f=1"#)?.measurement == #"a\b"#)
    }

    @Test("tag escapes: comma, equals and space in keys and values")
    func tagEscapes() throws {
        let p = try #require(point(#"m,ta\ g\=k=v\,a\ l\=ue,x=a\b f=1"#))
        #expect(p.tags.map(\.key) == ["ta g=k", "x"])
        #expect(p.tags.map(\.value) == ["v,a l=ue", #"a\b"#])
    }

    @Test("field key escapes: comma, equals, space and quote")
    func fieldKeyEscapes() throws {
        let p = try #require(point(#"m fi\,e\ l\=d\"=1"#))
        #expect(p.fields[0].key == #"fi,e l=d""#)
    }

    @Test("tags come out sorted by key, as InfluxDB keys series")
    func sortedTags() throws {
        let p = try #require(point("m,zone=z,b=2,a=1 f=1"))
        #expect(p.tags.map(\.key) == ["a", "b", "zone"])
        #expect(p.tags.map(\.value) == ["1", "2", "z"])
        let many = (0..<40).reversed().map { "k\(1000 + $0)=v\($0)" }.joined(separator: ",")
        let q = try #require(point("m,\(many) f=1"))
        #expect(q.tags.map(\.key) == (0..<40).map { "k\(1000 + $0)" })
    }

    @Test("a tag value may start with an equals sign, as in InfluxDB")
    func tagValueLeadingEquals() {
        #expect(point("m,a==b f=1")?.tags.first?.value == "=b")
    }

    @Test("blank lines, whitespace-only lines and comments are skipped, not errors")
    func blankAndComments() {
        let (points, summary) = parse("\n# a comment\n   \n\t# indented comment\n  cpu f=1\n\n")
        #expect(points.count == 1)
        #expect(summary.accepted == 1 && summary.rejected == 0)
    }

    @Test("CRLF line endings are tolerated")
    func crlf() {
        let (points, summary) = parse("a f=1 1\r\nb f=2i 2\r\n\r\nc s=\"x\"\r\n")
        #expect(summary.rejected == 0)
        #expect(points.map(\.measurement) == ["a", "b", "c"])
        #expect(points.map(\.timestampNanos) == [1, 2, 42])
    }

    @Test("blanks between sections and after the timestamp")
    func blanks() {
        #expect(point("m  \tf=1 \t 123   ")?.timestampNanos == 123)
        #expect(point("m f=1 -5")?.timestampNanos == -5)
    }

    @Test("the raw line, line number and offset of each point")
    func rawAndPositions() {
        var parser = LineProtocolParser()
        var seen: [(String, Int, Int)] = []
        let body = Array("a f=1\n\n  b f=2 7\r\nc f=3".utf8)
        _ = parser.parse(body, defaultTimestamp: 0) { line in
            seen.append((String(decoding: line.raw, as: UTF8.self), line.lineNumber, line.byteOffset))
        }
        #expect(seen.map(\.0) == ["a f=1", "b f=2 7", "c f=3"])
        #expect(seen.map(\.1) == [1, 3, 4])
        #expect(seen.map(\.2) == [0, 7, 18])
    }

    @Test("a throwing callback stops parsing and the error propagates")
    func throwingCallback() {
        struct Stop: Error {}
        var parser = LineProtocolParser()
        var count = 0
        #expect(throws: Stop.self) {
            _ = try parser.parse(Array("a f=1\nb f=2\nc f=3".utf8), defaultTimestamp: 0) { _ in
                count += 1
                if count == 2 { throw Stop() }
            }
        }
        #expect(count == 2)
    }

    @Test("one parser is reusable across bodies of growing size")
    func reuse() {
        var parser = LineProtocolParser()
        for n in [1, 10, 100] {
            let name = String(repeating: "x", count: n * 50)
            let body = Array("m\\ \(name),t=\\ v f\\ x=\"s\\\"\(name)\" 1".utf8)
            var got: LineProtocolPoint?
            let summary = parser.parse(body, defaultTimestamp: 0) { got = LineProtocolPoint($0) }
            #expect(summary.accepted == 1)
            #expect(got?.measurement == "m \(name)")
            #expect(got?.fields.first?.value == .string("s\"\(name)"))
        }
    }

    @Test("empty input parses to nothing")
    func emptyInput() {
        let (points, summary) = parse("")
        #expect(points.isEmpty && summary.accepted == 0 && summary.rejected == 0)
    }
}
