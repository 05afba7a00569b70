import Foundation
import Testing
import PetrelCore
@testable import Pipeline

@Suite struct FileTailerTests {
    @Test func readsWholeLinesAndWaitsForTheRest() {
        let dir = TempDirectory()
        dir.write("a.log", "one\ntwo\nthr")
        var probe = TailerProbe(tailConfig(dir))
        let events = probe.poll()
        #expect(events.map(\.message) == ["one", "two"])
        #expect(events.map(\.offset) == [0, 4])
        #expect(events.first?.file == dir.file("a.log"))
        dir.append("a.log", "ee\n")
        #expect(probe.messages() == ["three"])
        #expect(probe.tailer.checkpoints().first?.offset == 14)
    }

    @Test func readFromEndSkipsWhatFilesHeldAtStartOnly() {
        let dir = TempDirectory()
        dir.write("a.log", "old\n")
        var config = tailConfig(dir)
        config.readFrom = .end
        var probe = TailerProbe(config)
        #expect(probe.messages().isEmpty)
        dir.append("a.log", "new\n")
        dir.write("b.log", "first of b\n")
        #expect(probe.messages() == ["new", "first of b"])
    }

    @Test func excludedFilesAreNotRead() {
        let dir = TempDirectory()
        dir.write("a.log", "a\n")
        dir.write("b.log", "b\n")
        var config = tailConfig(dir)
        config.exclude = ["*/b.log"]
        var probe = TailerProbe(config)
        #expect(probe.messages() == ["a"])
    }

    @Test func renamedFileIsReadToItsEndBeforeTheNewOne() throws {
        let dir = TempDirectory()
        dir.write("app.log", "1\n")
        var probe = TailerProbe(tailConfig(dir, "app.log"))
        #expect(probe.messages() == ["1"])
        // The writer still appends to the renamed file, then a new file appears.
        dir.append("app.log", "2\n")
        try FileManager.default.moveItem(atPath: dir.file("app.log"), toPath: dir.file("app.log.1"))
        dir.append("app.log.1", "3\n")
        dir.write("app.log", "4\n")
        #expect(probe.messages() == ["2", "3", "4"])
        #expect(probe.tailer.files.count == 1)
        #expect(probe.tailer.files.first?.readOffset == 2)
    }

    @Test func copytruncateStartsAgainAtZero() {
        let dir = TempDirectory()
        dir.write("app.log", "aaaa\nbbbb\n")
        var probe = TailerProbe(tailConfig(dir, "app.log"))
        #expect(probe.messages() == ["aaaa", "bbbb"])
        dir.truncate("app.log", then: "c\n")   // truncated, then one short line: size < read offset
        #expect(probe.messages() == ["c"])
    }

    @Test func copytruncateCopyIsResumedWhereTheOriginalWas() {
        let dir = TempDirectory()
        var config = tailConfig(dir, "app.log*")
        config.fingerprintBytes = 16
        let head = (0..<4).map { "line \($0) of the first part\n" }.joined()
        dir.write("app.log", head)
        var probe = TailerProbe(config)
        #expect(probe.messages().count == 4)
        // Lines the reader has not seen yet, then copy + truncate.
        dir.append("app.log", "unread 1\nunread 2\n")
        let content = try! String(contentsOfFile: dir.file("app.log"), encoding: .utf8)
        dir.write("app.log.1", content)
        dir.truncate("app.log", then: "after truncate\n")
        #expect(probe.messages() == ["unread 1", "unread 2", "after truncate"])
    }

    @Test func deletedAndRecreatedFileIsReadFromTheStart() throws {
        let dir = TempDirectory()
        dir.write("app.log", "first file line\n")
        var probe = TailerProbe(tailConfig(dir, "app.log"))
        #expect(probe.messages() == ["first file line"])
        try FileManager.default.removeItem(atPath: dir.file("app.log"))
        dir.write("app.log", "second file line\n")
        #expect(probe.messages() == ["second file line"])
    }

    @Test func tooLongLinesAreDroppedAndCounted() {
        let dir = TempDirectory()
        var config = tailConfig(dir)
        config.maxLineBytes = 10
        dir.write("a.log", "short\n" + String(repeating: "x", count: 50) + "\nok\n" + String(repeating: "y", count: 30))
        let metrics = ComponentMetrics(id: "f", kind: .source, type: "file")
        var probe = TailerProbe(config, metrics: metrics)
        #expect(probe.messages() == ["short", "ok"])
        dir.append("a.log", "yy\nafter\n")
        #expect(probe.messages() == ["after"])
        #expect(metrics.snapshot.dropped == 2)
        #expect(metrics.snapshot.lastError?.contains("byte offset 60") == true)
    }

    @Test func aBatchHoldsAboutMaxBytesOfFileBytes() {
        let dir = TempDirectory()
        var config = tailConfig(dir)
        config.maxLineBytes = 200
        dir.write("a.log", (0..<1000).map { String(format: "%099d\n", $0) }.joined())
        let tailer = FileTailer(config: config, checkpoints: [])
        tailer.discover(nowMillis: 0)
        var first = FileBatch()
        tailer.read(into: &first, maxBytes: 10_000, nowMillis: 0, nowMicros: 0)
        #expect(first.records.count == 100)
        #expect(first.rawBytes == 10_000)
        var rest = FileBatch()
        tailer.read(into: &rest, maxBytes: 1 << 20, nowMillis: 0, nowMicros: 0)
        #expect(rest.records.count == 900)
    }

    @Test func multiByteDelimiter() {
        let dir = TempDirectory()
        var config = tailConfig(dir)
        config.lineDelimiter = Array("\r\n".utf8)
        dir.write("a.log", "a\nb\r\nc\r\n")
        var probe = TailerProbe(config)
        #expect(probe.messages() == ["a\nb", "c"])
    }

    @Test func checkpointResumesAfterRestartAndFollowsAMove() throws {
        let dir = TempDirectory()
        var config = tailConfig(dir, "*.log*")
        config.fingerprintBytes = 16
        dir.write("a.log", "0123456789abcdef and more\nsecond\n")
        var probe = TailerProbe(config)
        #expect(probe.messages().count == 2)
        let saved = probe.tailer.checkpoints()
        dir.append("a.log", "third\n")
        try FileManager.default.moveItem(atPath: dir.file("a.log"), toPath: dir.file("a.log.1"))
        var restarted = TailerProbe(config, checkpoints: saved)
        #expect(restarted.messages() == ["third"])
    }

    @Test func shortFileCheckpointMatchesByInode() {
        let dir = TempDirectory()
        dir.write("a.log", "x\n")
        var probe = TailerProbe(tailConfig(dir))
        #expect(probe.messages() == ["x"])
        let saved = probe.tailer.checkpoints()
        #expect(saved.first?.fingerprint == nil)
        dir.append("a.log", String(repeating: "long line ", count: 40) + "\n")
        var restarted = TailerProbe(tailConfig(dir), checkpoints: saved)
        #expect(restarted.poll().map(\.offset) == [2])
    }

    @Test func checkpointStoreRoundTripsAtomically() throws {
        let dir = TempDirectory()
        let store = FileCheckpointStore(directory: dir.path)
        #expect(try store.load().isEmpty)
        let entries = [FileCheckpoint(fingerprint: "abc", path: "/x", device: 1, inode: 2, offset: 3)]
        try store.save(entries)
        #expect(try store.load() == entries)
        #expect(!FileManager.default.fileExists(atPath: store.path + ".tmp"))
        dir.write("checkpoints.json", "{not json")
        #expect(throws: PipelineError.self) { try store.load() }
    }

    @Test func spoolFilesAreReadWholeIncludingALastLineWithoutDelimiter() {
        let dir = TempDirectory()
        var config = FileSourceConfig()
        config.mode = .spool
        config.spoolDirectory = dir.path
        dir.write("one.txt", "a\nb")
        dir.write("done.txt.COMPLETED", "old\n")
        let tailer = FileTailer(config: config, checkpoints: [])
        tailer.discover(nowMillis: 0)
        var batch = FileBatch()
        tailer.read(into: &batch, maxBytes: 1 << 20, nowMillis: 0, nowMicros: 0)
        #expect(batch.records.count == 2)
        #expect(batch.completed.map(\.path) == [dir.file("one.txt")])
        // Until the batch is sent and the file renamed, it is not read again.
        tailer.discover(nowMillis: 1)
        var again = FileBatch()
        tailer.read(into: &again, maxBytes: 1 << 20, nowMillis: 1, nowMicros: 0)
        #expect(again.isEmpty)
        #expect(tailer.checkpoints().map(\.offset) == [3])
    }
}

@Suite struct MultilineAggregatorTests {
    func run(_ mode: MultilineConfig.Mode, start: String, condition: String, _ lines: [String]) -> [String] {
        var aggregator = try! MultilineAggregator(
            MultilineConfig(startPattern: start, conditionPattern: condition, mode: mode), maxBytes: 1000)
        var out: [String] = []
        let emit: MultilineAggregator.Emit = { bytes, _ in out.append(String(decoding: bytes, as: UTF8.self)) }
        for (i, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBytes { aggregator.feed($0, offset: Int64(i), nowMillis: 0, emit: emit) }
        }
        aggregator.flush(emit: emit)
        return out
    }

    @Test func continueThroughJoinsIndentedLines() {
        #expect(run(.continueThrough, start: "^\\S", condition: "^\\s", ["Exception", "  at a", "  at b", "next"])
                == ["Exception\n  at a\n  at b", "next"])
    }

    @Test func continuePastIncludesTheFirstNonMatchingLine() {
        #expect(run(.continuePast, start: "\\\\$", condition: "\\\\$", ["a \\", "b \\", "c", "d"])
                == ["a \\\nb \\\nc", "d"])
    }

    @Test func haltBeforeStartsANewEventAtTheCondition() {
        #expect(run(.haltBefore, start: "", condition: "^\\d{4}-", ["2026-01-01 x", "more", "2026-01-02 y"])
                == ["2026-01-01 x\nmore", "2026-01-02 y"])
    }

    @Test func haltWithEndsAtTheCondition() {
        #expect(run(.haltWith, start: "^BEGIN", condition: "END$", ["BEGIN", "body", "END", "alone"])
                == ["BEGIN\nbody\nEND", "alone"])
    }

    @Test func pendingEventIsFlushedAfterTheTimeoutAndHoldsTheCheckpoint() {
        let dir = TempDirectory()
        var config = tailConfig(dir)
        config.multiline = MultilineConfig(startPattern: "^\\S", conditionPattern: "^\\s", mode: .continueThrough, timeoutMillis: 500)
        dir.write("a.log", "first\n  cont\n")
        var probe = TailerProbe(config)
        #expect(probe.messages().isEmpty)
        #expect(probe.tailer.checkpoints().first?.offset == 0)
        #expect(probe.messages(advance: 600) == ["first\n  cont"])
        #expect(probe.tailer.checkpoints().first?.offset == 13)
    }
}
