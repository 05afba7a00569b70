import Foundation
import Hummingbird
import HummingbirdTesting
import PetrelCore
import Testing
@testable import PetrelServer

@Suite struct IngestRoutesTests {
    @Test("a line-protocol write is acknowledged with 204 and becomes queryable as m_field{tags}")
    func writeThenQuery() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let response = try await client.write("cpu,host=a usage_user=12.5,usage_system=3i,up=true,msg=\"hi\" \(T0)\n")
            #expect(response.status == .noContent)
            let result = try await client.awaitQuery("cpu_usage_user{host=\"a\"}", at: T0) { !$0.isEmpty }
            #expect(sampleValue(result) == "12.5")
            let ints = try await client.awaitQuery("cpu_usage_system", at: T0) { !$0.isEmpty }
            #expect(sampleValue(ints) == "3")
            let bools = try await client.awaitQuery("cpu_up", at: T0) { !$0.isEmpty }
            #expect(sampleValue(bools) == "1")
            // The write's other fields are queryable by now, so a short look is enough to see none.
            let strings = try await client.awaitQuery("cpu_msg", at: T0, timeout: .seconds(2)) { !$0.isEmpty }
            #expect(strings.isEmpty, "string fields are not samples")
        }
    }

    @Test("a batch with a bad line answers 400 naming the line and keeps the good lines")
    func partialWrite() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let body = "m,t=1 v=1 \(T0)\nm,t=2 v=oops \(T0)\nm,t=3 v=3 \(T0)\n"
            let response = try await client.write(body)
            #expect(response.status == .badRequest)
            let json = jsonObject(response.body)
            #expect(json["line"] as? Int == 2)
            #expect((json["error"] as? String)?.contains("partial write") == true)
            let result = try await client.awaitQuery("m_v", at: T0) { $0.count == 2 }
            #expect(result.count == 2)
        }
    }

    @Test("points older than the retention get a 400 naming the line; the other lines are kept")
    func beyondRetention() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let now = Int(SystemTimeSource().nowMillis() / 1000)
            let body = "ret v=1 \(now)\nret v=2 1000000000\n"
            let response = try await client.write(body)
            #expect(response.status == .badRequest)
            let json = jsonObject(response.body)
            #expect(json["line"] as? Int == 2)
            #expect((json["error"] as? String)?.contains("beyond retention") == true)
            let result = try await client.awaitQuery("ret_v", at: now) { !$0.isEmpty }
            #expect(sampleValue(result) == "1")
        }
    }

    @Test("gzip bodies are accepted, and invalid gzip or an unknown precision is a 400")
    func bodies() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let packed = Zlib.compress(Array("gz,k=v f=7 \(T0)\n".utf8))
            let ok = try await client.execute(uri: "/write?precision=s", method: .post, headers: [.contentEncoding: "gzip"],
                                              body: ByteBuffer(bytes: packed)) { $0 }
            #expect(ok.status == .noContent)
            let bad = try await client.execute(uri: "/write", method: .post, headers: [.contentEncoding: "gzip"],
                                               body: ByteBuffer(string: "not gzip")) { $0 }
            #expect(bad.status == .badRequest)
            let result = try await client.awaitQuery("gz_f", at: T0) { !$0.isEmpty }
            #expect(sampleValue(result) == "7")
            let precision = try await client.write("a v=1", path: "/write?precision=fortnight")
            #expect(precision.status == .badRequest)
            let crlf = try await client.write("crlf v=1 \(T0)\r\n")
            #expect(crlf.status == .badRequest, "InfluxDB 1.x rejects a line ending in \\r")
        }
    }

    @Test("a body over the limit is a 413, and so is gzip that inflates past it")
    func oversized() async throws {
        var server = TestServer()
        server.config.maxBodyBytes = 4096
        defer { server.cleanUp() }
        // The server closes the connection after a 413, so each case gets its own client.
        try await server.run { _, client in
            let big = try await client.write(String(repeating: "x", count: 10_000))
            #expect(big.status == .contentTooLarge)
        }
        try await server.run { _, client in
            let bomb = Zlib.compress([UInt8](repeating: UInt8(ascii: "a"), count: 100_000))
            let response = try await client.execute(uri: "/write", method: .post, headers: [.contentEncoding: "gzip"],
                                                    body: ByteBuffer(bytes: bomb)) { $0 }
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test("a body larger than one record is stored as several records, every line kept")
    func largeBody() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { components, client in
            // ~1.8 MB: more than one 1 MiB record.
            let body = (0..<40_000).map { "big,host=h\($0 % 100),i=\($0) value=\($0) \(T0)\n" }.joined()
            let response = try await client.write(body)
            #expect(response.status == .noContent)
            #expect(components.metricsTopic.partitions[0].logEndOffset >= 2)
            let count = try await client.awaitQuery("count(big_value)", at: T0) { sampleValue($0) == "40000" }
            #expect(sampleValue(count) == "40000")
        }
    }

    @Test("Prometheus text import lands in the TSDB and shows in the series API")
    func prometheusImport() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let text = "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\",path=\"/a\"} 42 \(T0 * 1000)\n"
            let response = try await client.execute(uri: "/api/v1/import/prometheus", method: .post, body: ByteBuffer(string: text)) { $0 }
            #expect(response.status == .noContent)
            let result = try await client.awaitQuery("http_requests_total", at: T0) { !$0.isEmpty }
            #expect(sampleValue(result) == "42")
            let series = try await client.execute(uri: "/api/v1/series?match%5B%5D=http_requests_total&start=\(T0 - 1000)&end=\(T0 + 1000)", method: .get) { $0 }
            let data = jsonObject(series.body)["data"] as? [[String: String]]
            #expect(data == [["__name__": "http_requests_total", "code": "200", "path": "/a"]])
            let values = try await client.execute(uri: "/api/v1/label/code/values", method: .get) { $0 }
            #expect(jsonObject(values.body)["data"] as? [String] == ["200"])
        }
    }

    @Test("acknowledged samples are queryable again after a restart on the same data directory")
    func restart() async throws {
        let server = TestServer()
        defer { server.cleanUp() }
        try await server.run { _, client in
            let response = try await client.write("restart,k=v f=1 \(T0)\nrestart,k=v f=2 \(T0 + 60)\n")
            #expect(response.status == .noContent)
        }
        try await server.run { components, client in
            let result = try await client.awaitQuery("restart_f", at: T0 + 60) { !$0.isEmpty }
            #expect(sampleValue(result) == "2")
            #expect(components.readiness.isReady)
        }
    }
}
