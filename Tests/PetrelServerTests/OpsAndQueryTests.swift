import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import PetrelServer

@Suite struct OpsAndQueryTests {
    @Test("/health, /ready, /ping and /metrics answer, and /metrics counts ingested lines")
    func ops() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            #expect(try await client.execute(uri: "/health", method: .get) { $0.status } == .ok)
            #expect(try await client.execute(uri: "/ping", method: .get) { $0.status } == .noContent)
            _ = try await client.write("ops v=1 \(T0)\nops v=\n")
            _ = try await client.awaitQuery("ops_v", at: T0) { !$0.isEmpty }
            #expect(try await client.execute(uri: "/ready", method: .get) { $0.status } == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            // Counters are process-wide and other tests write in parallel: at least this test's lines.
            for series in ["petrel_ingest_lines_total{protocol=\"influx\",outcome=\"rejected\",reason=\"parse\"}",
                           "petrel_ingest_lines_total{protocol=\"influx\",outcome=\"accepted\",reason=\"none\"}"] {
                let line = metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }
                let value = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
                #expect(value >= 1, "\(series) in /metrics")
            }
            #expect(metrics.contains("petrel_http_requests_total"))
            #expect(metrics.contains("petrel_tsdb_series"))
        }
    }

    @Test("InfluxQL setup statements succeed and other InfluxQL is refused with a pointer to PromQL")
    func influxQL() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let create = try await client.execute(uri: "/query?q=CREATE+DATABASE+telegraf", method: .post) { $0 }
            #expect(create.status == .ok)
            let select = try await client.execute(uri: "/query?q=SELECT+*+FROM+cpu", method: .get) { $0 }
            #expect(select.status == .badRequest)
            #expect((jsonObject(select.body)["error"] as? String)?.contains("PromQL") == true)
        }
    }

    @Test("query errors use Prometheus' error shape and range queries are limited to 11,000 points")
    func queryErrors() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let bad = try await client.execute(uri: "/api/v1/query?query=sum(", method: .get) { $0 }
            #expect(bad.status == .badRequest)
            let json = jsonObject(bad.body)
            #expect(json["status"] as? String == "error")
            #expect(json["errorType"] as? String == "bad_data")
            let tooMany = try await client.execute(uri: "/api/v1/query_range?query=up&start=0&end=100000&step=1", method: .get) { $0 }
            #expect(tooMany.status == .badRequest)
            #expect((jsonObject(tooMany.body)["error"] as? String)?.contains("11,000") == true)
            let build = try await client.execute(uri: "/api/v1/status/buildinfo", method: .get) { $0 }
            #expect(((jsonObject(build.body)["data"] as? [String: Any])?["version"] as? String)?.hasPrefix("2.") == true)
        }
    }

    @Test("range queries accept form-encoded POSTs as Grafana sends them")
    func rangePost() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            _ = try await client.write("rp,h=a v=1 \(T0)\nrp,h=a v=2 \(T0 + 30)\nrp,h=b v=5 \(T0 + 30)\n")
            _ = try await client.awaitQuery("rp_v", at: T0 + 30) { $0.count == 2 }
            let body = "query=sum+by+(h)+(rp_v)&start=\(T0)&end=\(T0 + 60)&step=30"
            let response = try await client.execute(uri: "/api/v1/query_range", method: .post,
                                                    headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: ByteBuffer(string: body)) { $0 }
            #expect(response.status == .ok)
            let data = jsonObject(response.body)["data"] as? [String: Any]
            #expect(data?["resultType"] as? String == "matrix")
            let result = data?["result"] as? [[String: Any]] ?? []
            #expect(result.count == 2)
            let a = result.first { ($0["metric"] as? [String: String])?["h"] == "a" }
            let values = (a?["values"] as? [[Any]])?.map { $0[1] as? String }
            #expect(values == ["1", "2", "2"])
        }
    }
}
