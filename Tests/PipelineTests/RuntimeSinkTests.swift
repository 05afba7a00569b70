import Foundation
import Logging
import Testing
import Codecs
import PetrelCore
import LogStorage
@testable import Pipeline

@Suite struct RuntimeSinkTests {
    func records(_ values: [String], key: String? = nil) -> [Record] {
        values.map { Record(timestamp: 1_700_000_000_000, key: key.map { Array($0.utf8) }, value: Array($0.utf8)) }
    }

    let input = SinkInput(component: "src", topic: "src", partition: 0)

    @Test func fileSinkWritesOneLinePerRecordAndRotatesAtMaxBytes() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let path = fixture.directory + "/out/app.log"
        var section = ConfigSection(file: "p.yaml", path: "sinks.f", map: ["path": path, "max_bytes": 40])
        let sink = try FileSinkConfig(&section).build(fixture.context())
        try await sink.write(records(["{\"message\":\"a\"}", "{\"message\":\"b\"}"]), from: input)
        try await sink.write(records(["{\"message\":\"c\"}"]), from: input)
        await sink.stop()
        let rotated = try String(contentsOfFile: path + ".1", encoding: .utf8)
        let current = try String(contentsOfFile: path, encoding: .utf8)
        #expect(rotated == "{\"message\":\"a\"}\n{\"message\":\"b\"}\n")
        #expect(current == "{\"message\":\"c\"}\n")
    }

    @Test func filePathExpandsDatesInUTC() {
        #expect(FileSink.expand("/logs/app-%Y-%m-%d_%H.log", millis: 1_700_000_000_000) == "/logs/app-2023-11-14_22.log")
        #expect(FileSink.expand("plain.log", millis: 0) == "plain.log")
        #expect(FileSink.expand("100%%-%q%", millis: 0) == "100%-%q%")
    }

    @Test func encodingsShapeLines() throws {
        var out: [UInt8] = []
        let metric = Record(timestamp: 5, value: Array("cpu v=1 1\ncpu v=2 2\n".utf8),
                            headers: [RecordHeader(key: MetricsRecord.Header.format, value: Array("influx".utf8))])
        RecordEncoding.auto.append(metric, to: &out)
        RecordEncoding.json.append(Record(timestamp: 7, value: Array("plain \"text\"".utf8)), to: &out)
        RecordEncoding.json.append(Record(timestamp: 7, value: Array("{\"a\":1}".utf8)), to: &out)
        RecordEncoding.raw.append(Record(timestamp: 7, value: Array("x".utf8)), to: &out)
        RecordEncoding.auto.append(Record(timestamp: 7, value: nil), to: &out)
        #expect(String(decoding: out, as: UTF8.self)
                == "cpu v=1 1\ncpu v=2 2\n{\"timestamp\":7,\"message\":\"plain \\\"text\\\"\"}\n{\"a\":1}\nx\n")
        var section = ConfigSection(file: "p.yaml", path: "sinks.c", map: ["encoding": "xml"])
        #expect(throws: ConfigError.self) { try RecordEncoding.read(&section) }
    }

    @Test func topicSinkKeepsKeyedRecordsOnTheirKeysPartition() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        _ = try fixture.topics.createTopic("copy", config: TopicConfig(partitions: 3))
        var section = ConfigSection(file: "p.yaml", path: "sinks.t", map: ["topic": "copy"])
        let sink = try TopicSinkConfig(&section).build(fixture.context())
        for key in ["a", "b", "c", "d"] { try await sink.write(records(["v-\(key)"], key: key), from: input) }
        try await sink.write(records(["unkeyed"]), from: SinkInput(component: "src", topic: "src", partition: 2))
        let topic = try #require(fixture.topics.topic("copy"))
        for key in ["a", "b", "c", "d"] {
            let p = SourceOutput.partition(ofKey: Array(key.utf8), count: 3)
            let values = try topic.partitions[p].read(from: 0, maxBytes: 1 << 20).map { String(decoding: $0.value ?? [], as: UTF8.self) }
            #expect(values.contains("v-\(key)"))
        }
        let last = try topic.partitions[2].read(from: 0, maxBytes: 1 << 20).map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(last.contains("unkeyed"))
    }

    @Test func topicSinkNeedsItsTopicKey() throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        #expect(throws: ConfigError.self) {
            _ = try fixture.pipeline(["sources": ["src": ["type": "counting"]], "sinks": ["t": ["type": "topic", "inputs": ["src"]]]])
        }
        let config = try fixture.pipeline(["sources": ["src": ["type": "counting"]],
                                           "sinks": ["t": ["type": "topic", "inputs": ["src"], "topic": "copy"]]])
        #expect(config.component("t")?.type == "topic")
    }

    @Test func badSinkSettingsNameTheirKey() throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        for (body, key) in [(["type": "file", "inputs": ["src"]], "sinks.s.path"),
                            (["type": "file", "inputs": ["src"], "path": "/tmp/x", "max_bytes": -1], "sinks.s.max_bytes"),
                            (["type": "blackhole", "inputs": ["src"], "print_interval": "soon"], "sinks.s.print_interval"),
                            (["type": "console", "inputs": ["src"], "encoding": "yaml"], "sinks.s.encoding")] as [([String: Any], String)] {
            var section = ConfigSection(file: "p.yaml", path: "", map: ["sources": ["src": ["type": "counting"]], "sinks": ["s": body]])
            let (_, problems) = PipelineConfig.take(from: &section, registry: RuntimeFixture.registry)
            #expect(problems.map(\.key) == [key])
        }
    }

    @Test func blackholeCountsWhatItDrops() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        var section = ConfigSection(file: "p.yaml", path: "sinks.b", map: ["print_interval": "1s"])
        let sink = try #require(try BlackholeSinkConfig(&section).build(fixture.context()) as? BlackholeSink)
        try await sink.write(records(["ab", "cde"]), from: input)
        #expect(sink.dropped.events == 2)
        #expect(sink.dropped.bytes == 5)
    }
}
