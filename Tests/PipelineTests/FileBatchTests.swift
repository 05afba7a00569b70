import Foundation
import Testing
import PetrelCore
import LogStorage
@testable import Pipeline

@Suite struct JSONByteEscaperTests {
    /// What `JSONWriter` writes for the bytes decoded as UTF-8, without the quotes.
    private func reference(_ bytes: [UInt8]) -> [UInt8] {
        var out = ""
        JSONWriter.appendString(String(decoding: bytes, as: UTF8.self), to: &out)
        return Array(out.utf8.dropFirst().dropLast())
    }

    private func escaped(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { JSONByteEscaper.append($0, to: &out) }
        return out
    }

    @Test("special characters, controls, HTML-unsafe ASCII and line separators are escaped as JSONWriter does")
    func knownCases() {
        for text in ["plain", "", "q\"b\\s", "<a href=\"x\">&amp;</a>", "tab\tnl\ncr\r\u{01}\u{1F}\u{7F}",
                     "héllo ✓ 𝄞", "sep\u{2028}para\u{2029}end", "\u{2027}\u{202A}"] {
            let bytes = Array(text.utf8)
            #expect(escaped(bytes) == reference(bytes), "\(text.debugDescription)")
        }
    }

    @Test("ill-formed UTF-8 becomes U+FFFD exactly where Swift's decoder puts it")
    func illFormedSequences() {
        let cases: [[UInt8]] = [
            [0xFF], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xC2, 0x41], [0xE0, 0x80, 0x80], [0xE0, 0xA0],
            [0xE0, 0xA0, 0x41], [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x90, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF5, 0x80], [0xE2, 0x80], [0xE2, 0x80, 0xA8, 0xE2],
            [0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80],
        ]
        for bytes in cases {
            #expect(escaped(bytes) == reference(bytes), "\(bytes)")
        }
    }

    @Test("random byte strings escape the same as through String and JSONWriter")
    func randomBytesMatchTheStringPath() {
        var rng = SplitMix64(seed: 7)
        // Bytes drawn mostly from the interesting ones: ASCII specials, lead and continuation bytes.
        let pool: [UInt8] = Array(0x00...0x1F) + [0x22, 0x26, 0x3C, 0x3E, 0x5C, 0x41, 0x20, 0x7F]
            + Array(0x80...0xBF) + [0xC2, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xC0, 0xFF, 0xA8, 0xA9]
        for _ in 0..<3000 {
            let count = Int.random(in: 0..<40, using: &rng)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &rng) ? pool.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            #expect(escaped(bytes) == reference(bytes), "\(bytes)")
        }
    }
}

@Suite struct FileBatchTests {
    private func add(_ batch: inout FileBatch, key: String, value: String) {
        let bytes = Array(value.utf8)
        batch.append(key: Array(key.utf8), timestamp: 1000, valueCount: bytes.count) { $0.append(contentsOf: bytes) }
    }

    @Test("a new record batch starts when the file changes or the batch is full")
    func cutsByKeyAndSize() throws {
        var batch = FileBatch(maxBatchBytes: 4096)
        for i in 0..<10 { add(&batch, key: "a", value: "line \(i)") }
        for i in 0..<10 { add(&batch, key: "b", value: "line \(i)") }
        let long = String(repeating: "x", count: 1000)
        for _ in 0..<10 { add(&batch, key: "b", value: long) }
        batch.seal()
        #expect(batch.lines == 30)
        #expect(batch.batches.map(\.key) == [Array("a".utf8), Array("b".utf8), Array("b".utf8), Array("b".utf8), Array("b".utf8)])
        #expect(batch.batches.map(\.records).reduce(0, +) == 30)
        for encoded in batch.batches {
            #expect(encoded.bytes.count <= 4096)
            #expect(RecordBatch.verifyCRC(encoded.bytes))
        }
        #expect(batch.records.map { String(decoding: $0.value!, as: UTF8.self) }.prefix(2) == ["line 0", "line 1"])
        #expect(!batch.fits(key: [], valueCount: 4096))
    }

    @Test("send puts each file's batch on its key's partition and counts events")
    func sendGoesToTheKeysPartition() async throws {
        let fixture = try RuntimeFixture()
        defer { fixture.cleanup() }
        let topic = try fixture.topics.createTopic("logs", config: TopicConfig(partitions: 3))
        let metrics = ComponentMetrics(id: "f", kind: .source, type: "file")
        let output = SourceOutput(topic: topic, metrics: metrics)
        var batch = FileBatch()
        for key in ["/var/log/a.log", "/var/log/b.log", "/var/log/c.log"] {
            for i in 0..<5 { add(&batch, key: key, value: "\(key) \(i)") }
        }
        batch.seal()
        try await output.send(batch.batches)
        for key in ["/var/log/a.log", "/var/log/b.log", "/var/log/c.log"] {
            let p = SourceOutput.partition(ofKey: Array(key.utf8), count: 3)
            let records = try topic.partitions[p].read(from: 0, maxBytes: 1 << 20)
            let mine = records.filter { $0.key == Array(key.utf8) }
            #expect(mine.map { String(decoding: $0.value!, as: UTF8.self) } == (0..<5).map { "\(key) \($0)" })
        }
        let total = topic.partitions.reduce(Int64(0)) { $0 + $1.logEndOffset }
        #expect(total == 15)
    }
}
