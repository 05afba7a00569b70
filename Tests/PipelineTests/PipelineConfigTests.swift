import Testing
import PetrelCore
@testable import Pipeline

@Suite struct PipelineConfigTests {
    func parse(_ root: [String: Any]) -> (PipelineConfig?, [ConfigError]) {
        var section = ConfigSection(file: "petrel.yaml", path: "", map: root)
        return PipelineConfig.take(from: &section)
    }

    @Test func noPipelineKeysMeansNoGraph() {
        let (config, errors) = parse(["data_dir": "x"])
        #expect(config == nil)
        #expect(errors.isEmpty)
    }

    @Test func sinkReadsTheTopicOfItsInput() throws {
        let (config, errors) = parse(["sinks": ["db": ["type": "tsdb", "inputs": ["nowhere"]]]])
        #expect(config == nil)
        #expect(errors.map(\.key) == ["sinks.db.inputs[0]"])
        #expect(errors.first?.message.contains("no component named \"nowhere\"") == true)
    }

    @Test func unknownTypesAndKeysAreNamed() {
        let (_, errors) = parse(["sinks": [
            "a": ["type": "nosuch", "inputs": ["x"]],
            "b": ["type": "tsdb", "inputs": ["x"], "colour": "red"],
            "c": ["inputs": ["x"]],
        ]])
        let keys = errors.map(\.key)
        #expect(keys.contains("sinks.a.type"))
        #expect(keys.contains("sinks.b.colour"))
        #expect(keys.contains("sinks.c.type"))
        #expect(errors.first { $0.key == "sinks.a.type" }?.message.contains("known: ") == true)
    }

    @Test func idsMustBeTopicNames() {
        let (_, errors) = parse(["sinks": ["bad id!": ["type": "tsdb", "inputs": ["x"]]]])
        #expect(errors.first?.key == "sinks.bad id!")
    }

    @Test func fingerprintIgnoresKeyOrder() {
        #expect(PipelineConfig.canonical(["a": 1, "b": ["x", "y"]] as [String: Any])
                == PipelineConfig.canonical(["b": ["x", "y"], "a": 1] as [String: Any]))
    }
}

@Suite struct LogEventTests {
    @Test func writesTheTopicJSONShape() {
        let event = LogEvent(timestampMicros: 1_795_000_000_123_456, message: "GET /a \"x\"", sourceType: "file",
                             fields: [("file", .string("/var/log/a.log")), ("offset", .int(42))])
        #expect(event.json() == #"{"timestamp":"2026-11-18T11:06:40.123456Z","message":"GET /a \"x\"","source_type":"file","file":"/var/log/a.log","offset":42}"#)
        #expect(event.record().timestamp == 1_795_000_000_123)
    }
}
