import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import PetrelServer

@Suite struct StatusRoutesTests {
    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: uri, method: .get) { ($0.status, jsonObject($0.body)) }
    }

    @Test("format_query prints the query like Prometheus and refuses a bad one with bad_data")
    func formatQuery() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let (status, body) = try await get(client, "/api/v1/format_query?query=sum(rate(x%5B5m%5D))by(job)")
            #expect(status == .ok)
            #expect(body["data"] as? String == "sum by (job) (rate(x[5m]))")
            let (badStatus, bad) = try await get(client, "/api/v1/format_query?query=sum(")
            #expect(badStatus == .badRequest)
            #expect(bad["errorType"] as? String == "bad_data")
            #expect((bad["error"] as? String)?.hasPrefix("invalid parameter \"query\": 1:") == true)
        }
    }

    @Test("the pages Grafana and other clients read answer in Prometheus' shapes")
    func shapes() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let (_, rules) = try await get(client, "/api/v1/rules")
            #expect((rules["data"] as? [String: Any])?["groups"] as? [Any] != nil)
            let (_, alerts) = try await get(client, "/api/v1/alerts")
            #expect((alerts["data"] as? [String: Any])?["alerts"] as? [Any] != nil)
            let (_, targets) = try await get(client, "/api/v1/targets")
            #expect((targets["data"] as? [String: Any])?["activeTargets"] as? [Any] != nil)
            let (_, metadata) = try await get(client, "/api/v1/metadata?limit=5")
            #expect(metadata["data"] as? [String: Any] != nil)
            let (limitStatus, _) = try await get(client, "/api/v1/metadata?limit=x")
            #expect(limitStatus == .badRequest)
            let (_, exemplars) = try await get(client, "/api/v1/query_exemplars?query=up&start=1&end=2")
            #expect((exemplars["data"] as? [Any])?.isEmpty == true)
            let (exStatus, _) = try await get(client, "/api/v1/query_exemplars?query=up&start=2&end=1")
            #expect(exStatus == .badRequest)
            let (_, config) = try await get(client, "/api/v1/status/config")
            #expect(((config["data"] as? [String: Any])?["yaml"] as? String)?.contains("global:") == true)
            let (_, flags) = try await get(client, "/api/v1/status/flags")
            #expect((flags["data"] as? [String: String])?["query.lookback-delta"] == "5m")
            let (_, runtime) = try await get(client, "/api/v1/status/runtimeinfo")
            #expect((runtime["data"] as? [String: Any])?["storageRetention"] as? String == "15d")
        }
    }

    @Test("status/tsdb counts series per metric and label from the stored series")
    func tsdbStatus() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            _ = try await client.write("cpu,host=a v=1 \(T0)\ncpu,host=b v=1 \(T0)\nmem,host=a v=1 \(T0)\n")
            _ = try await client.awaitQuery("count({__name__=~\".+\"})", at: T0) { sampleValue($0) == "3" }
            let (_, body) = try await get(client, "/api/v1/status/tsdb")
            let data = body["data"] as? [String: Any] ?? [:]
            #expect((data["headStats"] as? [String: Any])?["numSeries"] as? Int == 3)
            let byMetric = data["seriesCountByMetricName"] as? [[String: Any]] ?? []
            #expect(byMetric.first?["name"] as? String == "cpu_v" && byMetric.first?["value"] as? Int == 2)
            let pairs = data["seriesCountByLabelValuePair"] as? [[String: Any]] ?? []
            #expect(pairs.contains { $0["name"] as? String == "host=a" && $0["value"] as? Int == 2 })
        }
    }

    @Test("stats=all adds query timings and sample counts; a timeout parameter shorter than the server's applies")
    func statsAndTimeout() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let (_, body) = try await get(client, "/api/v1/query?query=1%2B1&time=\(T0)&stats=all")
            let stats = (body["data"] as? [String: Any])?["stats"] as? [String: Any]
            #expect((stats?["timings"] as? [String: Any])?["evalTotalTime"] != nil)
            #expect((stats?["samples"] as? [String: Any])?["totalQueryableSamples"] as? Int == 0)
            #expect(((body["data"] as? [String: Any])?["result"] as? [Any])?.count == 2)
            let (status, bad) = try await get(client, "/api/v1/query?query=1&timeout=soon")
            #expect(status == .badRequest)
            #expect(bad["error"] as? String == "invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration")
            let (okStatus, _) = try await get(client, "/api/v1/query?query=1&timeout=5s")
            #expect(okStatus == .ok)
        }
    }
}
