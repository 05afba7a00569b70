import Codecs
import Testing
import PetrelCore
@testable import Pipeline

@Suite("prometheus_scrape: sample_limit")
struct ScrapeSampleLimitTests {
    private static func target() throws -> ScrapeTarget {
        try ScrapeTarget.parse("127.0.0.1:9100", scheme: "http", metricsPath: "/metrics", job: "node", extra: [:]).get()
    }

    /// The report series of a scrape result, by metric name.
    private static func report(_ text: [UInt8]) -> [String: Double] {
        var out: [String: Double] = [:]
        _ = PrometheusTextParser.parse(text, defaultTimestamp: 0) { labels, _, value in
            let name = labels.name ?? ""
            if ScrapeLoop.reportNames.contains(name) { out[name] = value }
        }
        return out
    }

    @Test("a scrape over the limit after relabelling fails whole: up 0, counts reported, earlier series stale")
    func overTheLimitFailsTheScrape() throws {
        let drop = RelabelRule(action: .drop, sourceLabels: ["__name__"], regex: "noise_.*")
        var loop = ScrapeLoop(target: try Self.target(), options: .init(sampleLimit: 2), relabel: [drop])
        let first = loop.succeeded(body: Array("a 1\nnoise_x 1\nnoise_y 1\n".utf8), openMetrics: false, timestamp: 1000, durationSeconds: 0)
        #expect(!first.exceededSampleLimit && first.kept == 1)
        #expect(Self.report(first.text)["up"] == 1)

        let over = loop.succeeded(body: Array("a 1\nb 2\nc 3\nnoise_z 1\n".utf8), openMetrics: false, timestamp: 2000, durationSeconds: 0)
        #expect(over.exceededSampleLimit)
        let report = Self.report(over.text)
        #expect(report["up"] == 0)
        #expect(report["scrape_samples_scraped"] == 4)
        #expect(report["scrape_samples_post_metric_relabeling"] == 3)
        var written: [(String, Double)] = []
        _ = PrometheusTextParser.parse(over.text, defaultTimestamp: 0) { labels, _, value in
            written.append((labels.name ?? "", value))
        }
        #expect(!written.contains { $0.0 == "b" || $0.0 == "c" })
        #expect(written.contains { $0.0 == "a" && StaleMarker.isStale($0.1) })
    }

    @Test("a scrape at the limit is kept, and 0 means no limit")
    func atTheLimitIsKept() throws {
        var limited = ScrapeLoop(target: try Self.target(), options: .init(sampleLimit: 2), relabel: [])
        let at = limited.succeeded(body: Array("a 1\nb 2\n".utf8), openMetrics: false, timestamp: 1, durationSeconds: 0)
        #expect(!at.exceededSampleLimit && Self.report(at.text)["up"] == 1)
        var unlimited = ScrapeLoop(target: try Self.target(), options: .init(), relabel: [])
        let many = unlimited.succeeded(body: Array((0..<50).map { "m\($0) 1\n" }.joined().utf8), openMetrics: false,
                                       timestamp: 1, durationSeconds: 0)
        #expect(!many.exceededSampleLimit && many.kept == 50)
    }

    @Test("sample_limit is read and checked")
    func settings() throws {
        var section = ConfigSection(file: "petrel.yaml", path: "sources.s", map: ["targets": ["127.0.0.1:1"], "sample_limit": 10])
        #expect(try PrometheusScrapeConfig(&section).sampleLimit == 10)
        var bad = ConfigSection(file: "petrel.yaml", path: "sources.s", map: ["targets": ["127.0.0.1:1"], "sample_limit": -1])
        #expect(throws: ConfigError.self) { _ = try PrometheusScrapeConfig(&bad) }
    }
}
