import Foundation
import Testing
import PetrelCore
@testable import Pipeline

/// A temporary directory for one test, removed afterwards.
final class TempDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "petrel-file-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
    }

    /// Truncates the file in place (same inode, as copytruncate does), then writes `text`.
    func truncate(_ name: String, then text: String) {
        let handle = FileHandle(forWritingAtPath: file(name))!
        handle.truncateFile(atOffset: 0)
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    func append(_ name: String, _ text: String) {
        let handle = FileHandle(forWritingAtPath: file(name))!
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }
}

/// Drives a `FileTailer` by hand and decodes what it emits.
struct TailerProbe {
    let tailer: FileTailer
    var now: Int64 = 1_000_000

    init(_ config: FileSourceConfig, checkpoints: [FileCheckpoint] = [], metrics: ComponentMetrics? = nil) {
        tailer = FileTailer(config: config, checkpoints: checkpoints, metrics: metrics)
    }

    /// Discovers, reads everything there is, returns the events' (message, file, offset).
    mutating func poll(advance: Int64 = 0) -> [(message: String, file: String, offset: Int)] {
        now += advance
        tailer.discover(nowMillis: now)
        var batch = FileBatch()
        tailer.read(into: &batch, maxBytes: 64 << 20, nowMillis: now, nowMicros: now * 1000)
        return batch.records.map { record in
            let object = try! JSONSerialization.jsonObject(with: Data(record.value!)) as! [String: Any]
            return (object["message"] as! String, object["file"] as! String, object["offset"] as! Int)
        }
    }

    mutating func messages(advance: Int64 = 0) -> [String] { poll(advance: advance).map(\.message) }
}

func tailConfig(_ dir: TempDirectory, _ glob: String = "*.log") -> FileSourceConfig {
    var config = FileSourceConfig()
    config.include = [dir.path + "/" + glob]
    config.host = "testhost"
    config.rotateWaitMillis = 0
    return config
}

@Suite struct FileSourceConfigTests {
    func decode(_ map: [String: Any]) throws -> FileSourceConfig {
        var section = ConfigSection(file: "petrel.yaml", path: "sources.f", map: map)
        let config = try FileSourceConfig(&section)
        try section.finish()
        return config
    }

    @Test func readsEveryKey() throws {
        let config = try decode([
            "include": ["/var/log/*.log"], "exclude": ["*.gz"], "read_from": "end", "glob_interval": "2s",
            "max_line_bytes": 1000, "line_delimiter": "\r\n", "fingerprint_bytes": 64, "ignore_older": "1d",
            "encoding": "utf8", "host": "h", "rotate_wait": "1s", "batch_max_bytes": 65536,
            "multiline": ["start_pattern": "^\\S", "condition_pattern": "^\\s", "mode": "continue_through", "timeout_ms": 500],
        ])
        #expect(config.readFrom == .end)
        #expect(config.globIntervalMillis == 2000)
        #expect(config.lineDelimiter == [13, 10])
        #expect(config.multiline?.mode == .continueThrough)
        #expect(config.ignoreOlderMillis == 86_400_000)
    }

    @Test func badValuesNameTheKey() {
        #expect(throws: ConfigError.self) { try decode([:]) }
        #expect((try? decode(["include": ["relative/*.log"]])) == nil)
        #expect((try? decode(["include": ["/a"], "encoding": "latin1"])) == nil)
        #expect((try? decode(["mode": "spool"])) == nil)
        do {
            _ = try decode(["include": ["/a"], "multiline": ["start_pattern": "(", "condition_pattern": "x", "mode": "halt_with"]])
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.key == "sources.f.multiline.start_pattern")
        } catch { Issue.record("\(error)") }
    }

    @Test func isRegisteredAsFile() {
        #expect(ComponentRegistry.standard.sources["file"] != nil)
    }
}

@Suite struct FileEventEncoderTests {
    @Test func plainAndEscapedLinesMatchLogEventJSON() {
        var encoder = FileEventEncoder(timestampMicros: 1_795_000_000_123_456)
        let suffix = FileEventEncoder.suffix(file: "/var/log/a.log", host: "h")
        for message in ["GET /a 200", "quote \" back\\slash <tag> & tab\t", "héllo ✓", ""] {
            let bytes = Array(message.utf8)
            let encoded = bytes.withUnsafeBytes { encoder.encode($0, offset: 1234, suffix: suffix) }
            let expected = LogEvent(timestampMicros: 1_795_000_000_123_456, message: message, sourceType: "file",
                                    fields: [("file", .string("/var/log/a.log")), ("host", .string("h")), ("offset", .int(1234))]).json()
            #expect(String(decoding: encoded, as: UTF8.self) == expected)
        }
    }

    @Test func invalidUTF8IsReplaced() {
        var encoder = FileEventEncoder(timestampMicros: 0)
        let encoded = [UInt8]([0x61, 0xFF, 0x62]).withUnsafeBytes { encoder.encode($0, offset: 0, suffix: FileEventEncoder.suffix(file: "f", host: "h")) }
        let object = try! JSONSerialization.jsonObject(with: Data(encoded)) as! [String: Any]
        #expect(object["message"] as? String == "a\u{FFFD}b")
    }
}
