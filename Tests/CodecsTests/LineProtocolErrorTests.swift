import Codecs
import Testing

@Suite("Line protocol: what is rejected, and why")
struct LineProtocolErrorTests {
    @Test("InfluxDB's reasons for bad lines", arguments: [
        ("cpu", "missing fields"),
        ("cpu,host=a", "missing fields"),
        ("cpu ", "invalid field format"),
        (",cpu f=1", "missing measurement"),
        ("a,b= f=1", "missing tag value"),
        ("a,b f=1", "missing tag value"),
        ("a,=b f=1", "missing tag key"),
        ("a, f=1", "missing tag key"),
        ("a,b=c=d f=1", "invalid tag format"),
        ("a,b=1,b=2 f=1", "duplicate tags"),
        ("a,b=1,c=1,b=2 f=1", "duplicate tags"),
        ("m f=", "missing field value"),
        ("m f=,g=1", "missing field value"),
        ("m f= 1", "missing field value"),
        ("m =1", "missing field key"),
        ("m f=1,=2", "missing field key"),
        ("m f=1,g", "invalid field format"),
        ("m f", "invalid field format"),
        ("m f=1,,g=2", "invalid field format"),
        ("m f=\"abc", "unbalanced quotes"),
        ("m f=1,g=\"abc", "unbalanced quotes"),
        ("m f=1.1.1", "invalid number"),
        ("m f=NaN", "invalid number"),
        ("m f=nan", "invalid number"),
        ("m f=-Inf", "invalid number"),
        ("m f=-", "invalid number"),
        ("m f=.", "invalid number"),
        ("m f=1.5i", "invalid number"),
        ("m f=1i5", "invalid number"),
        ("m f=1e5i", "invalid number"),
        ("m f=-1u", "invalid number"),
        ("m f=1x", "invalid number"),
        ("m f=1e", "invalid float"),
        ("m f=1e400", "invalid float"),
        ("m f=1e5e5", "invalid float"),
        ("m f=Inf", "invalid boolean"),
        ("m f=abc", "invalid boolean"),
        ("m f=tru", "invalid boolean"),
        ("m f=Tru", "invalid boolean"),
        ("m f=tRUE", "invalid boolean"),
        ("m f=+1", "invalid boolean"),
        ("m f=1 12a", "bad timestamp"),
        ("m f=1 1-2", "bad timestamp"),
        ("m f=1 1.5", "bad timestamp"),
        ("m f=1 -", "strconv.ParseInt: parsing \"-\": invalid syntax"),
        ("m f=1 99999999999999999999", "strconv.ParseInt: parsing \"99999999999999999999\": value out of range"),
        ("m f=1 9223372036854775807", "time outside range -9223372036854775806 - 9223372036854775806"),
        ("m f=1 -9223372036854775808", "time outside range -9223372036854775806 - 9223372036854775806"),
        ("m f=1 1 2", "point is invalid"),
        ("m f=9223372036854775808i",
         "unable to parse integer 9223372036854775808: strconv.ParseInt: parsing \"9223372036854775808\": value out of range"),
        ("m f=-9223372036854775809i",
         "unable to parse integer -9223372036854775809: strconv.ParseInt: parsing \"-9223372036854775809\": value out of range"),
        ("m f=18446744073709551616u",
         "unable to parse unsigned 18446744073709551616: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"),
    ])
    func reasons(line: String, expected: String) {
        #expect(reason(line) == expected, "\(line)")
    }

    @Test("each error carries its line number, byte offset and line text")
    func positions() throws {
        let body = "ok f=1\nbad\n\n# c\n  ok f=2\nm f=1 x\nlast"
        let (points, summary) = parse(body)
        #expect(points.count == 2)
        #expect(summary.accepted == 2 && summary.rejected == 3)
        let errors = summary.errors
        #expect(errors.map(\.line) == [2, 6, 7])
        #expect(errors.map(\.byteOffset) == [7, 25, 33])
        #expect(errors.map(\.text) == ["bad", "m f=1 x", "last"])
        #expect(errors.map(\.message) == ["missing fields", "bad timestamp", "missing fields"])
        #expect(errors.allSatisfy { $0.code == .lineProtocol })
        #expect(errors[0].influxDescription == "unable to parse 'bad': missing fields")
        #expect(summary.influxErrorMessage == errors.map(\.influxDescription).joined(separator: "\n"))
    }

    @Test("line numbers count the newlines inside quoted strings")
    func lineNumbersAfterMultilineString() {
        let (_, summary) = parse("a s=\"x\ny\nz\"\nbad")
        #expect(summary.firstError?.line == 4)
    }

    @Test("the line text in an error is cut to 1 KiB")
    func truncatedText() {
        let long = String(repeating: "x", count: 5000)
        let error = parse(long).summary.firstError
        #expect(error?.text.utf8.count == CodecError.maxTextLength)
        #expect(error?.message == "missing fields")
    }

    @Test("only the first few errors are kept, all are counted")
    func errorLimit() {
        let body = Array(repeating: "bad", count: 100).joined(separator: "\n")
        let (_, summary) = parse(body, options: LineProtocolOptions(maxReportedErrors: 5))
        #expect(summary.rejected == 100)
        #expect(summary.errors.count == 5)
    }

    @Test("unsigned integers can be refused, as InfluxDB 1.x release builds do")
    func unsignedOff() {
        #expect(reason("m f=1u", options: LineProtocolOptions(allowUnsigned: false)) == "invalid number")
    }

    @Test("a carriage return is an error when CR stripping is off, as in InfluxDB 1.x")
    func carriageReturnStrict() {
        let strict = LineProtocolOptions(stripCarriageReturn: false)
        #expect(reason("m f=1\r\n", options: strict) == "invalid number")
        #expect(reason("m f=1 5\r\n", options: strict) == "bad timestamp")
    }

    @Test("a line with 10,000 tags is a quick, clean error")
    func tenThousandTags() {
        let tags = (0..<10_000).map { "t\($0)=v" }.joined(separator: ",")
        let clock = ContinuousClock()
        var message: String?
        let elapsed = clock.measure { message = reason("m,\(tags) f=1") }
        #expect(message == "too many tags (limit 256)")
        #expect(elapsed < .seconds(1))
    }

    @Test("a line with 5,000 unsorted tags within the limits is sorted quickly")
    func manyUnsortedTags() {
        let tags = (0..<5_000).reversed().map { "t\($0)=v" }.joined(separator: ",")
        let options = LineProtocolOptions(maxTags: 20_000)
        let clock = ContinuousClock()
        var result: (points: [LineProtocolPoint], summary: ParseSummary)?
        let elapsed = clock.measure { result = parse("m,\(tags) f=1", options: options) }
        #expect(result?.summary.accepted == 1)
        #expect(result?.points.first?.tags.first?.key == "t0")
        #expect(elapsed < .seconds(2))
        // With a duplicate among them, the whole line is refused.
        #expect(reason("m,\(tags),t2500=x f=1", options: options) == "duplicate tags")
    }

    @Test("too many fields is an error")
    func tooManyFields() {
        let fields = (0..<10_000).map { "f\($0)=1" }.joined(separator: ",")
        #expect(reason("m \(fields)") == "too many fields (limit 1024)")
    }

    @Test("keys longer than InfluxDB's 65,535 bytes are refused")
    func maxKeyLength() {
        let name = String(repeating: "m", count: 70_000)
        #expect(reason("\(name) f=1") == "max key length exceeded: 70000 > 65535")
        let field = String(repeating: "f", count: 65_530)
        #expect(reason("m \(field)=1") == "max key length exceeded: 65535 > 65535" || reason("m \(field)=1") == nil)
        #expect(reason("mm \(field)=1") == "max key length exceeded: 65536 > 65535")
    }

    @Test("lines over the length limit are refused, the next line still parses")
    func lineTooLong() {
        let options = LineProtocolOptions(maxLineLength: 10)
        let (points, summary) = parse("m f=1,g=2,h=3\nm f=1", options: options)
        #expect(summary.firstError?.message == "line too long (limit 10 bytes)")
        #expect(points.count == 1)
    }
}
