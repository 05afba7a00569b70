import Foundation
import LogStorage
import Testing
import PetrelCore
@testable import Pipeline

@Suite("influx_udp and the HTTP endpoint components")
struct ScrapeInfluxTests {
    @Test("a datagram's good lines are batched, lines without a timestamp get the receive time")
    func batching() {
        let metrics = ComponentMetrics(id: "udp", kind: .source, type: "influx_udp")
        var reader = DatagramLines(precision: .nanoseconds)
        var batch = LineBatch(limit: 1 << 20)
        let datagram = Array("cpu,host=a usage=1 10\nbad line\nmem free=2i\n".utf8)
        let (lines, count) = datagram.withUnsafeBytes { reader.goodLines(of: $0, receivedNanos: 5_000_000, metrics: metrics) }
        #expect(count == 2)
        let full = batch.add(lines, count: count, receivedNanos: 5_000_000)
        #expect(!full)
        let taken = batch.take()
        #expect(taken?.count == 2)
        #expect(taken.map { String(decoding: $0.lines, as: UTF8.self) } == "cpu,host=a usage=1 10\nmem free=2i 5000000")
        #expect(batch.take() == nil)
        #expect(metrics.snapshot.errors == 1 && metrics.snapshot.dropped == 1 && metrics.snapshot.eventsIn == 3)
        #expect(metrics.snapshot.lastError?.contains("line 2") == true)
    }

    @Test("a batch past its byte limit asks to be written")
    func fullBatch() {
        var batch = LineBatch(limit: 1024)
        let first = batch.add(Array("m v=1 1".utf8), count: 1, receivedNanos: 0)
        let second = batch.add([UInt8](repeating: UInt8(ascii: "x"), count: 1024), count: 1, receivedNanos: 0)
        #expect(!first && second)
    }

    @Test("influx_udp reads address and precision, and refuses bad ones")
    func udpConfig() throws {
        var section = ConfigSection(file: "petrel.yaml", path: "sources.u", map: ["address": "127.0.0.1:9999", "precision": "s"])
        let config = try InfluxUDPSourceConfig(&section)
        #expect(config.listens == [ListenAddress(.udp, host: "127.0.0.1", port: 9999)])
        #expect(config.precision == .seconds)
        var bad = ConfigSection(file: "petrel.yaml", path: "sources.u", map: ["precision": "fortnights"])
        #expect(throws: ConfigError.self) { try InfluxUDPSourceConfig(&bad) }
    }

    @Test("an HTTP endpoint component claims its routes while it runs and releases them when stopped")
    func endpoints() async throws {
        let dir = "/tmp/petrel-endpoints-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try TopicStore(directory: dir)
        defer { try? store.close() }
        let metrics = ComponentMetrics(id: "rw", kind: .source, type: "prometheus_remote_write")
        let output = SourceOutput(topic: try store.topicOrCreate("rw"), metrics: metrics)
        let endpoints = HTTPEndpoints()
        let source = HTTPEndpointSource(kind: .remoteWrite, id: "rw", endpoints: endpoints)
        let task = Task { try await source.run(output) }
        let deadline = ContinuousClock.now + .seconds(60)  // a guard against hanging; the loop ends as soon as the data is there
        while endpoints.endpoint(.remoteWrite) == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(endpoints.endpoint(.remoteWrite)?.component == "rw")
        #expect(endpoints.endpoint(.influxWrite) == nil)
        task.cancel()
        _ = try? await task.value
        #expect(endpoints.endpoint(.remoteWrite) == nil)
    }
}
