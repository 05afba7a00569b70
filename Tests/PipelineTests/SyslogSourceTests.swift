import Codecs
import Foundation
import LogStorage
import Logging
import PetrelCore
import Testing
@testable import Pipeline

/// A topic store in a temporary directory with one output topic, and a
/// context for a source under test.
struct TopicTestbed {
    let directory: String
    let store: TopicStore
    let topic: Topic
    let context: ComponentContext
    let output: SourceOutput

    init(type: String, timeSource: any TimeSource = SystemTimeSource()) throws {
        directory = NSTemporaryDirectory() + "petrel-source-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try TopicStore(directory: directory + "/topics", options: TopicStoreOptions(fsync: .never))
        topic = try store.createTopic("out", config: TopicConfig(partitions: 1))
        let metrics = ComponentMetrics(id: "t", kind: .source, type: type)
        context = ComponentContext(id: "t", kind: .source, type: type, topics: store, metrics: metrics,
                                   logger: Logger(label: "test"), timeSource: timeSource, stateDirectory: directory,
                                   environment: PipelineEnvironment(dataDir: directory))
        output = SourceOutput(topic: topic, metrics: metrics)
    }

    func records(_ topic: Topic? = nil) throws -> [Record] {
        try (topic ?? self.topic).partitions[0].read(from: 0, maxBytes: 64 << 20)
    }

    /// The output records' values as JSON objects.
    func events() throws -> [[String: Any]] {
        try records().map { try JSONSerialization.jsonObject(with: Data($0.value ?? [])) as! [String: Any] }
    }

    func close() {
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

func yamlSection(_ map: [String: Any]) -> ConfigSection {
    ConfigSection(file: "petrel.yaml", path: "sources.t", map: map)
}

@Suite struct SyslogSourceTests {
    @Test("the config reads address, mode, framing and size limit and lists its sockets")
    func config() throws {
        var s = yamlSection(["address": "0.0.0.0:6514", "mode": "tcp", "framing": "octet_counting",
                         "max_message_bytes": 2048])
        let config = try SyslogSourceConfig(&s)
        #expect(s.isEmpty)
        #expect(config.listens == [ListenAddress(.tcp, host: "0.0.0.0", port: 6514)])
        #expect(config.framing == .octetCounting)
        #expect(config.maxMessageBytes == 2048)
        var defaults = yamlSection([:])
        #expect(try SyslogSourceConfig(&defaults).listens == [ListenAddress(.udp, host: "127.0.0.1", port: 5514),
                                                              ListenAddress(.tcp, host: "127.0.0.1", port: 5514)])
    }

    @Test("bad option values are errors naming the key")
    func badConfig() {
        for (key, value) in [("address", "nowhere"), ("mode", "sctp"), ("framing", "x"),
                             ("max_message_bytes", 1)] as [(String, Any)] {
            var s = yamlSection([key: value])
            #expect { try SyslogSourceConfig(&s) } throws: { ($0 as? ConfigError)?.key.hasSuffix(key) == true }
        }
    }

    @Test("a decoded message becomes an event with the syslog field names")
    func eventFields() throws {
        let builder = SyslogEventBuilder(timeSource: ManualTimeSource())
        let text = #"<11>1 2026-11-22T10:00:00Z db1 postgres 77 TX [meta@1 user="ann"] disk full"#
        let (event, failure) = Array(text.utf8).withUnsafeBytes { builder.event($0, peer: "10.0.0.9") }
        #expect(failure == nil)
        #expect(event.message == "disk full")
        #expect(event.sourceType == "syslog")
        #expect(event.timestampMicros == 1_795_341_600_000_000)
        let json = try JSONSerialization.jsonObject(with: Data(event.json().utf8)) as! [String: Any]
        #expect(json["hostname"] as? String == "db1")
        #expect(json["appname"] as? String == "postgres")
        #expect(json["procid"] as? String == "77")
        #expect(json["msgid"] as? String == "TX")
        #expect(json["facility"] as? String == "user")
        #expect(json["severity"] as? String == "err")
        #expect(json["version"] as? Int == 1)
        #expect(json["sd.meta@1.user"] as? String == "ann")
        #expect(json["source_ip"] as? String == "10.0.0.9")
    }

    @Test("an unparsable message is kept as raw text and its reason returned")
    func rawFallback() {
        let clock = ManualTimeSource(nanos: 5_000_000_000)
        let builder = SyslogEventBuilder(timeSource: clock)
        let (event, failure) = Array("not syslog\n".utf8).withUnsafeBytes { builder.event($0, peer: nil) }
        #expect(event.message == "not syslog")
        #expect(event.timestampMicros == 5_000_000)
        #expect(failure?.message.contains("<PRI>") == true)
    }

    @Test("the batcher hands queued records to the output and counts them as received")
    func batcher() async throws {
        let bed = try TopicTestbed(type: "syslog")
        defer { bed.close() }
        let batcher = RecordBatcher(capacity: 4)
        for i in 0..<3 { try await batcher.add(Record(timestamp: Int64(i), value: [UInt8(i)]), bytes: 10) }
        let task = Task { try await batcher.run(bed.output, interval: .milliseconds(5)) }
        for i in 3..<10 { try await batcher.add(Record(timestamp: Int64(i), value: [UInt8(i)]), bytes: 10) }
        let deadline = ContinuousClock.now + .seconds(60)  // a guard against hanging; the loop ends as soon as the data is there
        while try bed.records().count < 10, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        _ = try? await task.value
        #expect(try bed.records().map { $0.value!.first! } == Array(0..<10))
        #expect(bed.context.metrics.snapshot.eventsIn == 10)
        #expect(bed.context.metrics.snapshot.bytesIn == 100)
    }
}
