import Codecs
import PetrelCore
import Testing

private struct Scraped: Equatable {
    var labels: Labels
    var timestamp: Int64
    var value: Double

    static func == (a: Scraped, b: Scraped) -> Bool {
        a.labels == b.labels && a.timestamp == b.timestamp
            && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

private func scrape(_ text: String) -> ([Scraped], ParseSummary) {
    var out: [Scraped] = []
    let summary = PrometheusTextParser.parse(Array(text.utf8), defaultTimestamp: 99) { labels, ts, value in
        out.append(Scraped(labels: labels, timestamp: ts, value: value))
    }
    return (out, summary)
}

private func promReason(_ text: String) -> String? { scrape(text).1.firstError?.message }

@Suite("Prometheus text format")
struct PrometheusTextParserTests {
    @Test("a typical exposition")
    func typical() {
        let body = """
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # A plain comment
        metric_without_timestamp_and_labels 12.47
        rpc_duration_seconds{quantile="0.5",} 4773
        something_weird{problem="division by zero"} +Inf -3982045
        go_gc{} 1.5e-3
        """
        let (samples, summary) = scrape(body)
        #expect(summary.rejected == 0)
        #expect(samples == [
            Scraped(labels: Labels(["__name__": "http_requests_total", "method": "post", "code": "200"]),
                    timestamp: 1_395_066_363_000, value: 1027),
            Scraped(labels: Labels(["__name__": "http_requests_total", "method": "post", "code": "400"]),
                    timestamp: 1_395_066_363_000, value: 3),
            Scraped(labels: Labels(["__name__": "metric_without_timestamp_and_labels"]), timestamp: 99, value: 12.47),
            Scraped(labels: Labels(["__name__": "rpc_duration_seconds", "quantile": "0.5"]), timestamp: 99, value: 4773),
            Scraped(labels: Labels(["__name__": "something_weird", "problem": "division by zero"]),
                    timestamp: -3_982_045, value: .infinity),
            Scraped(labels: Labels(["__name__": "go_gc"]), timestamp: 99, value: 0.0015),
        ])
    }

    @Test("special and unusual values", arguments: [
        ("NaN", Double.nan), ("nan", .nan), ("+Inf", .infinity), ("-Inf", -.infinity), ("Inf", .infinity),
        ("inf", .infinity), ("-1.5e3", -1500), (".5", 0.5), ("0x10", 16), ("+3", 3),
    ])
    func values(text: String, expected: Double) {
        let (samples, summary) = scrape("m \(text)")
        #expect(summary.rejected == 0, "\(text)")
        #expect(samples.count == 1)
        #expect(samples.first.map { $0.value == expected || ($0.value.isNaN && expected.isNaN) } == true)
    }

    @Test("label value escapes: backslash, quote and newline")
    func escapes() {
        let (samples, _) = scrape(#"m{a="x\\y",b="say \"hi\"",c="one\ntwo",d="keep\t"} 1"#)
        #expect(samples.first?.labels == Labels([
            "__name__": "m", "a": #"x\y"#, "b": #"say "hi""#, "c": "one\ntwo", "d": #"keep\t"#,
        ]))
    }

    @Test("label values may hold commas, braces, equals signs and UTF-8")
    func richValues() {
        #expect(scrape(#"m{a="x,y}=z é"} 1"#).0.first?.labels == Labels(["__name__": "m", "a": "x,y}=z é"]))
    }

    @Test("blanks around label parts and CRLF endings are tolerated")
    func blanks() {
        let (samples, summary) = scrape("m { a = \"1\" , b=\"2\" } 1 5\r\nn 2\r\n")
        #expect(summary.rejected == 0)
        #expect(samples.map(\.labels) == [Labels(["__name__": "m", "a": "1", "b": "2"]), Labels(["__name__": "n"])])
        #expect(samples.map(\.timestamp) == [5, 99])
    }

    @Test("# EOF ends the input")
    func eof() {
        let (samples, summary) = scrape("a 1\n# EOF\nb 2\n")
        #expect(samples.count == 1)
        #expect(summary.rejected == 0)
    }

    @Test("bad lines are reported with their line number and skipped", arguments: [
        ("m", "missing value"),
        ("m ", "missing value"),
        ("m abc", "invalid value \"abc\""),
        ("m 1 abc", "invalid timestamp \"abc\""),
        ("m 1 1.5", "invalid timestamp \"1.5\""),
        ("m 1 2 3", "unexpected \"3\" after timestamp"),
        ("1m 1", "invalid metric name start \"1\""),
        ("m.x 1", "invalid character \".\" in metric name"),
        ("m{a=\"1\" 1", "expected \",\" or \"}\" after label \"a\", got \"1\""),
        ("m{a=\"1} 1", "unterminated label value for \"a\""),
        ("m{a=1} 1", "expected quoted value for label \"a\""),
        ("m{a} 1", "expected \"=\" after label name \"a\""),
        ("m{1a=\"x\"} 1", "invalid label name start \"1\""),
        ("m{a=\"1\",a=\"2\"} 1", "duplicate label name \"a\""),
        ("m{__name__=\"x\"} 1", "duplicate label name \"__name__\""),
        ("m{a=\"1\"", "unterminated label set"),
        ("# TYPE m thing", "invalid metric type \"thing\""),
        ("m 1e999", "invalid value \"1e999\""),
        ("m nan(1)", "invalid value \"nan(1)\""),
    ])
    func badLines(line: String, expected: String) {
        let (samples, summary) = scrape("good 1\n\(line)\ngood 2")
        #expect(samples.count == 2, "\(line)")
        #expect(summary.rejected == 1)
        #expect(summary.firstError?.message == expected, "\(line)")
        #expect(summary.firstError?.line == 2)
        #expect(summary.firstError?.byteOffset == 7)
        #expect(summary.firstError?.code == .prometheusText)
    }

    @Test("invalid UTF-8 in a label value is refused")
    func invalidUTF8() {
        var bytes = Array("m{a=\"".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\"} 1\nok 1".utf8)
        var count = 0
        let summary = PrometheusTextParser.parse(bytes, defaultTimestamp: 0) { _, _, _ in count += 1 }
        #expect(count == 1)
        #expect(summary.firstError?.message == "invalid UTF-8 in value of label \"a\"")
    }
}
