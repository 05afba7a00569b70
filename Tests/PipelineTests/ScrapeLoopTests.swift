import Foundation
import Codecs
import Testing
import PetrelCore
@testable import Pipeline

/// The samples of a Prometheus-text body, as (series text, timestamp, value).
private func samples(_ text: [UInt8]) -> [(String, Int64, Double)] {
    var out: [(String, Int64, Double)] = []
    _ = PrometheusTextParser.parse(text, defaultTimestamp: -1) { out.append(($0.description, $1, $2)) }
    return out
}

private func target(_ extra: [String: String] = [:]) -> ScrapeTarget {
    guard case .success(let t) = ScrapeTarget.parse("127.0.0.1:9100", scheme: "http", metricsPath: "/metrics",
                                                    job: "node", extra: extra) else { fatalError("bad test target") }
    return t
}

@Suite("prometheus_scrape: one target's scrapes")
struct ScrapeLoopTests {
    @Test("samples get job and instance, and the report series are written as Prometheus names them")
    func reportSeries() {
        var loop = ScrapeLoop(target: target(), options: .init(), relabel: [])
        let body = "# TYPE a counter\na_total{x=\"1\"} 3\nb 2 1000\n"
        let result = loop.succeeded(body: Array(body.utf8), openMetrics: false, timestamp: 5000, durationSeconds: 0.25)
        let out = samples(result.text)
        #expect(out[0].0 == #"a_total{instance="127.0.0.1:9100", job="node", x="1"}"#)
        #expect(out[0].1 == 5000 && out[0].2 == 3)
        #expect(out[1].1 == 1000)  // honor_timestamps
        let report = Dictionary(out.dropFirst(2).map { ($0.0, $0.2) }, uniquingKeysWith: { a, _ in a })
        #expect(report[#"up{instance="127.0.0.1:9100", job="node"}"#] == 1)
        #expect(report[#"scrape_duration_seconds{instance="127.0.0.1:9100", job="node"}"#] == 0.25)
        #expect(report[#"scrape_samples_scraped{instance="127.0.0.1:9100", job="node"}"#] == 2)
        #expect(report[#"scrape_samples_post_metric_relabeling{instance="127.0.0.1:9100", job="node"}"#] == 2)
        #expect(report[#"scrape_series_added{instance="127.0.0.1:9100", job="node"}"#] == 2)
        #expect(result.scraped == 2 && result.written == 7)
    }

    @Test("a series that disappears gets a stale marker at the next scrape")
    func staleSeries() {
        var loop = ScrapeLoop(target: target(), options: .init(), relabel: [])
        _ = loop.succeeded(body: Array("a 1\nb 2\n".utf8), openMetrics: false, timestamp: 1000, durationSeconds: 0)
        let out = samples(loop.succeeded(body: Array("a 1\n".utf8), openMetrics: false, timestamp: 2000, durationSeconds: 0).text)
        let stale = out.filter { StaleMarker.isStale($0.2) }
        #expect(stale.count == 1 && stale[0].0.hasPrefix("b{") && stale[0].1 == 2000)
        #expect(out.contains { $0.0.hasPrefix("scrape_series_added") && $0.2 == 0 })
    }

    @Test("a failed scrape writes up 0 and marks every series stale; stopping marks the report series stale")
    func downTarget() {
        var loop = ScrapeLoop(target: target(), options: .init(), relabel: [])
        _ = loop.succeeded(body: Array("a 1\n".utf8), openMetrics: false, timestamp: 1000, durationSeconds: 0)
        let down = samples(loop.failed(timestamp: 2000, durationSeconds: 1).text)
        #expect(down.contains { $0.0.hasPrefix("a{") && StaleMarker.isStale($0.2) })
        #expect(down.contains { $0.0.hasPrefix("up{") && $0.2 == 0 })
        let stopped = samples(loop.stopped(timestamp: 3000).text)
        #expect(stopped.count == ScrapeLoop.reportNames.count)
        #expect(stopped.allSatisfy { StaleMarker.isStale($0.2) })
    }

    @Test("scraped labels that clash with target labels become exported_ unless honor_labels")
    func labelConflicts() {
        let body = Array(#"m{job="app",instance="x",exported_job="y"} 1"#.utf8)
        var loop = ScrapeLoop(target: target(), options: .init(), relabel: [])
        let plain = samples(loop.succeeded(body: body, openMetrics: false, timestamp: 1, durationSeconds: 0).text)[0].0
        #expect(plain == #"m{exported_exported_job="app", exported_instance="x", exported_job="y", instance="127.0.0.1:9100", job="node"}"#)
        var honoring = ScrapeLoop(target: target(), options: .init(honorLabels: true), relabel: [])
        let honored = samples(honoring.succeeded(body: body, openMetrics: false, timestamp: 1, durationSeconds: 0).text)[0].0
        #expect(honored == #"m{exported_job="y", instance="x", job="app"}"#)
    }

    @Test("honor_timestamps false stamps every sample with the scrape time")
    func ignoreTimestamps() {
        var loop = ScrapeLoop(target: target(), options: .init(honorTimestamps: false), relabel: [])
        let out = samples(loop.succeeded(body: Array("a 1 42\n".utf8), openMetrics: false, timestamp: 7000, durationSeconds: 0).text)
        #expect(out[0].1 == 7000)
    }

    @Test("metric relabelling keeps, drops and rewrites series and counts what is left")
    func relabelling() {
        let rules = [
            RelabelRule(action: .drop, sourceLabels: ["__name__"], regex: "go_.*"),
            RelabelRule(action: .replace, sourceLabels: ["cpu", "mode"], regex: "(\\d+);(.*)", targetLabel: "core_mode",
                        replacement: "${1}-$2"),
            RelabelRule(action: .labeldrop, regex: "mode"),
        ]
        var loop = ScrapeLoop(target: target(), options: .init(), relabel: rules)
        let body = "go_threads 5\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 9\n"
        let result = loop.succeeded(body: Array(body.utf8), openMetrics: false, timestamp: 1, durationSeconds: 0)
        let out = samples(result.text)
        #expect(out[0].0 == #"node_cpu_seconds_total{core_mode="0-idle", cpu="0", instance="127.0.0.1:9100", job="node"}"#)
        #expect(result.scraped == 2 && result.kept == 1)
        #expect(out.contains { $0.0.hasPrefix("scrape_samples_post_metric_relabeling") && $0.2 == 1 })
    }

    @Test("keep and labelkeep")
    func keepRules() {
        let relabeler = Relabeler([
            RelabelRule(action: .keep, sourceLabels: ["__name__"], regex: "node_.*"),
            RelabelRule(action: .labelkeep, regex: "job|instance"),
        ])
        #expect(relabeler.apply(Labels(["__name__": "go_x"])) == nil)
        #expect(relabeler.apply(Labels(["__name__": "node_x", "job": "j", "cpu": "1"])) == Labels(["__name__": "node_x", "job": "j"]))
    }

    @Test("a bad sample line is reported and the rest of the scrape is kept")
    func badLines() {
        var loop = ScrapeLoop(target: target(), options: .init(), relabel: [])
        let result = loop.succeeded(body: Array("a 1\nb{ 2\nc 3\n".utf8), openMetrics: false, timestamp: 1, durationSeconds: 0)
        #expect(result.scraped == 2 && result.parse.rejected == 1)
    }
}

@Suite("prometheus_scrape: config and targets")
struct ScrapeConfigTests {
    func config(_ map: [String: Any]) throws -> PrometheusScrapeConfig {
        var section = ConfigSection(file: "petrel.yaml", path: "sources.s", map: map)
        let config = try PrometheusScrapeConfig(&section)
        try section.finish()
        return config
    }

    func problem(_ map: [String: Any]) -> String? {
        do {
            _ = try config(map)
            return nil
        } catch let error as ConfigError {
            return error.key
        } catch {
            return "\(error)"
        }
    }

    @Test("defaults: 15s interval, 10s timeout, /metrics, honor_timestamps")
    func defaults() throws {
        let c = try config(["targets": ["localhost:9100"]])
        #expect(c.intervalMs == 15_000 && c.timeoutMs == 10_000 && c.metricsPath == "/metrics" && c.honorTimestamps)
        #expect(try config(["targets": ["a:1"], "interval": "1s"]).timeoutMs == 1000)
    }

    @Test("bad settings name their key")
    func badSettings() {
        #expect(problem([:]) == "sources.s.targets")
        #expect(problem(["targets": ["https://a:1/x"]]) == "sources.s.targets[0]")
        #expect(problem(["targets": ["a:1"], "interval": "1s", "timeout": "2s"]) == "sources.s.timeout")
        #expect(problem(["targets": ["a:1"], "metric_relabel_configs": [["action": "explode"]]]) == "sources.s.metric_relabel_configs[0].action")
        #expect(problem(["targets": ["a:1"], "metric_relabel_configs": [["action": "keep", "source_labels": ["a"], "regex": "("]]])
                == "sources.s.metric_relabel_configs[0].regex")
        #expect(problem(["targets": ["a:1"], "metric_relabel_configs": [["action": "replace"]]]) == "sources.s.metric_relabel_configs[0].target_label")
        #expect(problem(["targets": ["a:1"], "basic_auth": ["password": "x"]]) == "sources.s.basic_auth.username")
        #expect(problem(["targets": ["a:1"], "colour": "red"]) == "sources.s.colour")
    }

    @Test("basic auth and bearer tokens become the Authorization header")
    func authorization() throws {
        let basic = try config(["targets": ["a:1"], "basic_auth": ["username": "u", "password": "p"]])
        #expect(try basic.authorizationHeader(stateDirectory: "/tmp") == "Basic dTpw")
        let bearer = try config(["targets": ["a:1"], "bearer_token": "t0k"])
        #expect(try bearer.authorizationHeader(stateDirectory: "/tmp") == "Bearer t0k")
    }

    @Test("targets: host:port or a URL, instance is host:port")
    func targets() {
        guard case .success(let t) = ScrapeTarget.parse("http://10.0.0.1:8080/custom?x=1", scheme: "http", metricsPath: "/metrics",
                                                        job: "j", extra: ["env": "prod"]) else { Issue.record("refused"); return }
        #expect(t.host == "10.0.0.1" && t.port == 8080 && t.path == "/custom?x=1")
        #expect(t.labels == Labels(["job": "j", "instance": "10.0.0.1:8080", "env": "prod"]))
    }

    @Test("file SD files are read, and a bad file is reported")
    func fileSD() throws {
        let path = "/tmp/petrel-sd-\(UInt64.random(in: 0...UInt64.max)).json"
        try #"[{"targets":["127.0.0.1:1234"],"labels":{"team":"a"}}]"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var discovery = TargetDiscovery(config: try config(["file_sd": [path]]), job: "sd")
        var problems: [String] = []
        let found = discovery.targets(problems: &problems)
        #expect(problems.isEmpty && found.count == 1 && found[0].labels["team"] == "a")
        try "not json".write(toFile: path + ".bad", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path + ".bad") }
        var bad = TargetDiscovery(config: try config(["file_sd": [path + ".bad"]]), job: "sd")
        let none = bad.targets(problems: &problems)
        #expect(none.isEmpty && problems.count == 1)
    }
}
