import Foundation
import Logging
import PetrelCore
import Synchronization
import Testing
@testable import TSDB

@Suite("Blocks, compaction, retention and replay")
struct BlockTests {
    static let hour: Int64 = 3_600_000

    /// Appends `hours` of 15 s samples for a few series, one batch per minute,
    /// with source offsets counting up from `firstOffset`.
    static func feed(_ db: TSDB, from startHour: Int64, hours: Int64, firstOffset: Int64 = 0) throws -> Int64 {
        var app = db.appender()
        var offset = firstOffset
        var t = startHour * hour
        let end = (startHour + hours) * hour
        while t < end {
            for s in 0..<4 {
                for step in 0..<4 {
                    let ts = t + Int64(step) * 15_000
                    _ = try? app.append(series("node_cpu", ["cpu": "\(s)"]), ts, Double(ts / 15_000) * 0.25 + Double(s))
                }
            }
            app.commit(sourceOffset: offset)
            offset += 1
            t += 60_000
        }
        return offset
    }

    @Test("a cut block reopens and answers queries exactly as the head did")
    func blockRoundTrip() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.feed(db, from: 0, hours: 4)
        let before = try db.querier(mint: 0, maxt: 4 * Self.hour).select([eq("__name__", "node_cpu")])
        try db.maintain()
        #expect(db.stats.blocks == 1)
        #expect(try db.querier(mint: 0, maxt: 4 * Self.hour).select([eq("__name__", "node_cpu")]) == before)
        try db.close()
        let (reopened, _) = try makeDB(directory: dir)
        let blockOnly = try reopened.querier(mint: 0, maxt: 2 * Self.hour - 1).select([eq("__name__", "node_cpu")])
        let expected = before.map { s -> SeriesData in
            let n = s.timestamps.firstIndex { $0 >= 2 * Self.hour } ?? s.count
            return SeriesData(labels: s.labels, timestamps: Array(s.timestamps[..<n]), values: Array(s.values[..<n]))
        }
        #expect(blockOnly == expected)
        #expect(try reopened.querier(mint: 0, maxt: .max).select([try LabelMatcher(.regexMatch, "cpu", "1|3")]).count == 2)
        #expect(reopened.querier(mint: 0, maxt: .max).labelValues("cpu") == ["0", "1", "2", "3"])
    }

    @Test("replayOffset advances with each cut and survives a reopen")
    func replayOffset() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(db.replayOffset == 0)
        let next = try Self.feed(db, from: 0, hours: 4)   // one batch per minute: 240 batches
        #expect(db.replayOffset == 0)                   // nothing persisted yet
        try db.maintain()                               // persists [0h, 2h): batches 0..<120
        #expect(db.replayOffset == 120)
        try db.close()
        let (reopened, _) = try makeDB(directory: dir)
        #expect(reopened.replayOffset == 120)
        // Re-feed everything from the start: persisted samples must not show twice.
        _ = try Self.feed(reopened, from: 0, hours: 4)
        let all = try reopened.querier(mint: 0, maxt: .max).select([eq("__name__", "node_cpu")])
        #expect(all.count == 4)
        #expect(all.allSatisfy { $0.count == 4 * 60 * 4 && Set($0.timestamps).count == $0.count })
        #expect(next == 240)
    }

    @Test("a batch with no new samples leaves replayOffset at last committed + 1")
    func replayOffsetEmptyBatches() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        app.commit(sourceOffset: 41)
        #expect(db.replayOffset == 42)
    }

    @Test("overlapping blocks from re-fed data merge without duplicates")
    func overlapDedupe() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        for i in 0..<100 { try app.append(series("m"), Int64(i) * 15_000, Double(i)) }
        app.commit(sourceOffset: 0)
        try db.flush(before: 2 * Self.hour)
        // A second block over the same range, as an import of older data would produce.
        let writer = BlockWriter(directory: dir, chunkSamples: 480)
        let ts = (50..<150).map { Int64($0) * 15_000 }
        _ = try writer.write([SeriesData(labels: series("m"), timestamps: ts, values: ts.map { Double($0 / 15_000) })],
                             id: "zzzz-extra", minTime: 0, maxTime: 2 * Self.hour, level: 1, sources: ["zzzz-extra"], replayOffset: 0)
        try db.close()
        let (reopened, _) = try makeDB(directory: dir)
        #expect(reopened.stats.blocks == 2)
        try reopened.maintain()
        #expect(reopened.stats.blocks == 1)
        let got = try #require(try reopened.querier(mint: 0, maxt: .max).select([eq("__name__", "m")]).first)
        #expect(got.timestamps == (0..<150).map { Int64($0) * 15_000 })
        #expect(got.values == (0..<150).map(Double.init))
    }

    @Test("three adjacent 2 h blocks compact into one 6 h block")
    func compaction() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.feed(db, from: 0, hours: 9)
        let before = try db.querier(mint: 0, maxt: .max).select([eq("__name__", "node_cpu")])
        try db.maintain()
        let blocks = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasSuffix(".json") }
        #expect(blocks.count == 1)
        let meta = try BlockMeta.read(from: dir + "/" + blocks[0])
        #expect(meta.minTime == 0 && meta.maxTime == 6 * Self.hour)
        #expect(meta.compaction.level == 2)
        #expect(meta.compaction.sources.count == 3)
        #expect(try db.querier(mint: 0, maxt: .max).select([eq("__name__", "node_cpu")]) == before)
    }

    @Test("retention deletes blocks that end before now minus retention")
    func retention() throws {
        let clock = ManualTimeSource(nanos: 0)
        let (db, dir) = try makeDB(TSDBOptions(retention: 24 * Self.hour), clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.feed(db, from: 0, hours: 5)
        try db.maintain()
        #expect(db.stats.blocks == 1)
        clock.set(nanos: (26 * Self.hour - 1) * 1_000_000)
        try db.maintain()
        #expect(db.stats.blocks == 1)
        clock.set(nanos: 26 * Self.hour * 1_000_000)
        try db.maintain()
        #expect(db.stats.blocks == 0)
        #expect(try db.querier(mint: 0, maxt: 2 * Self.hour - 1).select([eq("__name__", "node_cpu")]).isEmpty)
        #expect(try db.querier(mint: 0, maxt: .max).select([eq("__name__", "node_cpu")]).count == 4)
    }

    @Test("a corrupt index is reported, not crashed on")
    func corruptIndex() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.feed(db, from: 0, hours: 4)
        try db.maintain()
        try db.close()
        let block = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { !$0.hasSuffix(".json") })
        var index = try FileIO.readAll(dir + "/" + block + "/index")
        index[index.count / 2] ^= 0xFF
        try FileIO.write(index, to: dir + "/" + block + "/index")
        do {
            _ = try makeDB(directory: dir)
            Issue.record("expected corrupt")
        } catch let e as TSDBError {
            #expect(e.code == .corrupt)
        }
    }

    @Test("out-of-order samples and idle series are handled across a cut")
    func cutWithOutOfOrder() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        let idle = try app.append(series("idle"), 1000, 1)
        let busy = try app.append(series("busy"), 1000, 1)
        for minute in 1..<150 { try app.append(ref: busy, Int64(minute) * 60_000, Double(minute)) }
        app.commit(sourceOffset: 0)
        try app.append(ref: busy, 90 * 60_000 + 1, 42)  // out of order, inside the first block's range
        app.commit(sourceOffset: 1)
        for minute in 150..<300 { try app.append(ref: busy, Int64(minute) * 60_000, Double(minute)) }
        app.commit(sourceOffset: 2)
        try db.maintain()
        #expect(db.stats.blocks == 1)
        // Batch 0 also holds samples after 2 h, which are still only in the head.
        #expect(db.replayOffset == 0)
        // The idle series had nothing after the cut and left the head.
        #expect(db.stats.headSeries == 1)
        #expect(throws: TSDBError.self) { try app.append(ref: idle, 5 * Self.hour, 2) }
        try app.append(series("idle"), 5 * Self.hour, 2)
        app.commit(sourceOffset: 3)
        let q = db.querier(mint: 0, maxt: .max)
        #expect(try q.select([eq("__name__", "idle")]).first?.timestamps == [1000, 5 * Self.hour])
        let busyData = try #require(try q.select([eq("__name__", "busy")]).first)
        #expect(busyData.count == 301)
        #expect(busyData.timestamps.contains(90 * 60_000 + 1))
    }

    @Test("a damaged chunk page fails the query with corrupt, not a crash")
    func corruptChunks() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.feed(db, from: 0, hours: 4)
        try db.maintain()
        try db.close()
        let block = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { !$0.hasSuffix(".json") })
        var chunks = try FileIO.readAll(dir + "/" + block + "/chunks")
        chunks[chunks.count - 3] ^= 0x5A
        try FileIO.write(chunks, to: dir + "/" + block + "/chunks")
        let (reopened, _) = try makeDB(directory: dir)
        do {
            _ = try reopened.querier(mint: 0, maxt: Self.hour).select([eq("__name__", "node_cpu")])
            Issue.record("expected corrupt")
        } catch let e as TSDBError {
            #expect(e.code == .corrupt)
        }
    }

    @Test("cuts and compactions running during appends and queries lose nothing")
    func maintenanceDuringAppends() async throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let minutes = 12 * 60
        let done = StopFlag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var app = db.appender()
                for minute in 0..<minutes {
                    for s in 0..<30 {
                        _ = try? app.append(series("m", ["s": "\(s)"]), Int64(minute) * 60_000, Double(minute))
                    }
                    app.commit(sourceOffset: Int64(minute))
                }
                done.set()
            }
            group.addTask {
                while !done.isSet {
                    try? db.maintain()
                    await Task.yield()
                }
            }
            group.addTask {
                while !done.isSet {
                    _ = try? db.querier(mint: 0, maxt: .max).select([eq("__name__", "m")])
                    await Task.yield()
                }
            }
        }
        try db.maintain()
        #expect(db.stats.blocks >= 1)
        let all = try db.querier(mint: 0, maxt: .max).select([eq("__name__", "m")])
        #expect(all.count == 30)
        #expect(all.allSatisfy { $0.timestamps == (0..<minutes).map { Int64($0) * 60_000 } })
    }
}

/// A flag one task raises to stop the others.
final class StopFlag: Sendable {
    private let raised = Atomic(false)
    func set() { raised.store(true, ordering: .releasing) }
    var isSet: Bool { raised.load(ordering: .acquiring) }
}
