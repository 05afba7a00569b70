import PetrelCore
import Testing
@testable import Pipeline

@Suite struct KafkaSourceTests {
    @Test("the consumer defaults to Petrel's own broker and a per-component group, never auto-committing")
    func defaults() throws {
        var s = section(["topics": ["a", "b"]])
        let config = try KafkaSourceConfig(&s)
        let properties = config.consumerProperties(id: "copy", environment: PipelineEnvironment(
            dataDir: "/tmp", kafkaAddress: "127.0.0.1:19092"))
        #expect(properties["bootstrap.servers"] == "127.0.0.1:19092")
        #expect(properties["group.id"] == "petrel-copy")
        #expect(properties["auto.offset.reset"] == "latest")
        #expect(properties["enable.auto.commit"] == "false")
        let fallback = config.consumerProperties(id: "copy", environment: PipelineEnvironment(dataDir: "/tmp"))
        #expect(fallback["bootstrap.servers"] == "127.0.0.1:9092")
    }

    @Test("librdkafka options pass through, but auto commit stays off")
    func passThrough() throws {
        var s = section(["topics": "a", "bootstrap_servers": "k1:9092,k2:9092", "group_id": "g",
                         "auto_offset_reset": "earliest",
                         "librdkafka_options": ["fetch.min.bytes": "1", "enable.auto.commit": "true"]])
        let properties = try KafkaSourceConfig(&s).consumerProperties(id: "x", environment: PipelineEnvironment(dataDir: "/"))
        #expect(s.isEmpty)
        #expect(properties["bootstrap.servers"] == "k1:9092,k2:9092")
        #expect(properties["group.id"] == "g")
        #expect(properties["auto.offset.reset"] == "earliest")
        #expect(properties["fetch.min.bytes"] == "1")
        #expect(properties["enable.auto.commit"] == "false")
    }

    @Test("missing topics and bad offset resets are errors naming the key")
    func errors() {
        for (map, key) in [([:], "topics"), (["topics": ["a"], "auto_offset_reset": "middle"], "auto_offset_reset")]
            as [([String: Any], String)] {
            var s = section(map)
            #expect { try KafkaSourceConfig(&s) } throws: { ($0 as? ConfigError)?.key.hasSuffix(key) == true }
        }
    }
}
