import Foundation
import PetrelCore
import Testing
@testable import TSDB

@Suite("Backfill of samples far behind the head")
struct BackfillTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 24 * hour
    /// "Now" for these tests: 30 days after the epoch, in ms.
    static let now: Int64 = 30 * day

    static func clockAtNow() -> ManualTimeSource { ManualTimeSource(nanos: now * 1_000_000) }

    /// A head whose max time is `now`: one live series with a sample at now.
    static func liveHead(_ db: TSDB, offset: Int64 = 0) throws {
        var app = db.appender()
        try app.append(series("live"), now, 1)
        app.commit(sourceOffset: offset)
    }

    static func select(_ db: TSDB, _ name: String) throws -> [SeriesData] {
        try db.querier(mint: 0, maxt: .max).select([eq("__name__", name)])
    }

    @Test("samples 3 hours and 3 days old are queryable at once, after maintain and after a reopen")
    func hoursAndDaysOld() throws {
        let clock = Self.clockAtNow()
        let options = TSDBOptions(retention: 15 * Self.day, backfillMaxAge: 0)
        let (db, dir) = try makeDB(options, clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.liveHead(db)
        var app = db.appender()
        try app.append(series("old", ["age": "3h"]), Self.now - 3 * Self.hour, 3)
        try app.append(series("old", ["age": "3d"]), Self.now - 3 * Self.day, 72)
        app.commit(sourceOffset: 1)
        let expected = [SeriesData(labels: series("old", ["age": "3d"]), timestamps: [Self.now - 3 * Self.day], values: [72]),
                        SeriesData(labels: series("old", ["age": "3h"]), timestamps: [Self.now - 3 * Self.hour], values: [3])]
        #expect(try Self.select(db, "old") == expected)
        #expect(db.querier(mint: 0, maxt: .max).series([eq("__name__", "old")]).count == 2)
        #expect(db.querier(mint: 0, maxt: .max).labelValues("age") == ["3d", "3h"])
        #expect(db.querier(mint: Self.now - 2 * Self.day, maxt: .max).labelValues("age", [eq("__name__", "old")]) == ["3h"])

        try db.maintain()
        #expect(db.backfillSamples == 0)
        #expect(db.stats.blocks == 2)
        #expect(try Self.select(db, "old") == expected)
        #expect(db.querier(mint: 0, maxt: .max).labelValues("age") == ["3d", "3h"])
        try db.close()

        let (reopened, _) = try makeDB(options, directory: dir, clock: clock)
        #expect(try Self.select(reopened, "old") == expected)
        #expect(reopened.replayOffset == 0)   // the live sample is only in the head
    }

    @Test("a sample older than the retention is rejected with beyondRetention")
    func beyondRetention() throws {
        let (db, dir) = try makeDB(TSDBOptions(retention: 15 * Self.day), clock: Self.clockAtNow())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        do {
            try app.append(series("m"), Self.now - 15 * Self.day - 1, 1)
            Issue.record("expected beyondRetention")
        } catch let e as TSDBError {
            #expect(e.code == .beyondRetention)
            #expect(e.message.contains("\(Self.now - 15 * Self.day - 1)"))
            #expect(e.message.contains("\(15 * Self.day)"))
        }
        try app.append(series("m"), Self.now - 15 * Self.day, 1)
        app.commit(sourceOffset: 0)
        #expect(try Self.select(db, "m").first?.count == 1)
    }

    @Test("a backfilled value replaces the value an older block holds for the same time")
    func newestWriteWinsOverBlocks() throws {
        let clock = Self.clockAtNow()
        let options = TSDBOptions(backfillMaxAge: 0)
        let (db, dir) = try makeDB(options, clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t0 = Self.now - 10 * Self.hour
        var app = db.appender()
        for i in 0..<10 { try app.append(series("m"), t0 + Int64(i) * 60_000, 1) }
        app.commit(sourceOffset: 0)
        try db.flush(before: Self.now - 8 * Self.hour)
        #expect(db.stats.blocks == 1)
        try Self.liveHead(db, offset: 1)
        try app.append(series("m"), t0 + 5 * 60_000, 42)
        app.commit(sourceOffset: 2)
        #expect(db.backfillSamples == 1)
        let expected = (0..<10).map { $0 == 5 ? 42.0 : 1.0 }
        #expect(try Self.select(db, "m").first?.values == expected)
        try db.maintain()   // writes the backfill block, then merges the overlapping pair
        #expect(db.stats.blocks == 1)
        #expect(try Self.select(db, "m").first?.values == expected)
        try db.close()
        let (reopened, _) = try makeDB(options, directory: dir, clock: clock)
        #expect(try Self.select(reopened, "m").first?.values == expected)
    }

    @Test("importing 50 series x 6 hours series by series keeps every sample exactly once")
    func seriesBySeriesImport() throws {
        let clock = Self.clockAtNow()
        let options = TSDBOptions(backfillMaxAge: 0)
        let (db, dir) = try makeDB(options, clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.liveHead(db)
        let start = Self.now - 6 * Self.hour
        let steps = Int(6 * Self.hour / 15_000)
        // The topic: batches of up to 500 samples, one series after another.
        var topic: [[(Labels, Int64, Double)]] = [[(series("live"), Self.now, 1)]]
        for s in 0..<50 {
            var batch: [(Labels, Int64, Double)] = []
            for step in 0..<steps {
                batch.append((series("imported", ["s": "\(s)"]), start + Int64(step) * 15_000, Double(s * 100_000 + step)))
                if batch.count == 500 { topic.append(batch); batch = [] }
            }
            if !batch.isEmpty { topic.append(batch) }
        }
        func feed(_ db: TSDB, from: Int64) throws {
            var app = db.appender()
            for offset in Int(from)..<topic.count {
                for (labels, t, v) in topic[offset] { try app.append(labels, t, v) }
                app.commit(sourceOffset: Int64(offset))
            }
        }
        func check(_ db: TSDB) throws {
            let got = try Self.select(db, "imported")
            #expect(got.count == 50)
            for data in got {
                let s = Int(data.labels["s"]!)!
                let timesOK = data.timestamps == (0..<steps).map { start + Int64($0) * 15_000 }
                let valuesOK = data.values == (0..<steps).map { Double(s * 100_000 + $0) }
                #expect(timesOK && valuesOK, "series \(s): \(data.count) samples")
            }
        }
        try feed(db, from: 0)
        try check(db)
        try db.maintain()
        #expect(db.backfillSamples == 0)
        try check(db)
        try db.close()
        let (reopened, _) = try makeDB(options, directory: dir, clock: clock)
        // The last hour went to the head (inside the window), so replay starts at
        // the first batch holding it; re-fed samples must not show twice.
        #expect(reopened.replayOffset < Int64(topic.count))
        try feed(reopened, from: reopened.replayOffset)
        try check(reopened)
        try reopened.maintain()
        try check(reopened)
    }

    @Test("replayOffset does not pass an unflushed backfill sample, across cuts and reopens")
    func replayOffsetWaitsForBackfill() throws {
        let clock = Self.clockAtNow()
        let options = TSDBOptions(backfillMaxAge: Self.day)
        let (db, dir) = try makeDB(options, clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        try app.append(series("live"), Self.now - 4 * Self.hour, 1)
        try app.append(series("live"), Self.now, 1)
        app.commit()                                          // not from the topic
        try app.append(series("late"), Self.now - 2 * Self.day, 1)
        app.commit(sourceOffset: 5)
        app.commit(sourceOffset: 6)                           // an empty batch
        #expect(db.replayOffset == 5)
        try db.maintain()                                     // cuts a head range, keeps the young buffer
        #expect(db.stats.blocks == 1)
        #expect(db.backfillSamples == 1)
        #expect(db.replayOffset == 5)
        try db.close()
        let (reopened, _) = try makeDB(options, directory: dir, clock: clock)
        #expect(reopened.replayOffset == 5)
        // Replaying re-feeds the sample; once persisted the offset moves on, with no duplicate.
        var again = reopened.appender()
        try again.append(series("late"), Self.now - 2 * Self.day, 1)
        again.commit(sourceOffset: 5)
        again.commit(sourceOffset: 6)
        try reopened.flush(before: Self.now - 3 * Self.hour)
        #expect(reopened.replayOffset == 7)
        #expect(try Self.select(reopened, "late").first?.count == 1)
    }

    @Test("a full backfill buffer asks for maintenance and is flushed by it")
    func thresholdTriggersFlush() throws {
        let clock = Self.clockAtNow()
        let (db, dir) = try makeDB(TSDBOptions(backfillMaxSamples: 100, backfillMaxAge: Self.day), clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.liveHead(db)
        var app = db.appender()
        for i in 0..<99 { try app.append(series("m"), Self.now - Self.day + Int64(i) * 1000, 1) }
        app.commit(sourceOffset: 1)
        #expect(!db.needsMaintenance)
        try db.maintain()
        #expect(db.backfillSamples == 99)
        #expect(db.stats.blocks == 0)
        try app.append(series("m"), Self.now - Self.day + 99_000, 1)
        app.commit(sourceOffset: 2)
        #expect(db.needsMaintenance)
        try db.maintain()
        #expect(!db.needsMaintenance)
        #expect(db.backfillSamples == 0)
        #expect(db.stats.blocks == 1)
        #expect(try Self.select(db, "m").first?.count == 100)
        // The age limit flushes a small buffer too.
        try app.append(series("m"), Self.now - 2 * Self.day, 1)
        app.commit(sourceOffset: 3)
        try db.maintain()
        #expect(db.backfillSamples == 1)
        clock.advance(millis: Self.day)
        try db.maintain()
        #expect(db.backfillSamples == 0)
    }

    @Test("backfill flushes running during imports and queries lose nothing")
    func flushesDuringImport() async throws {
        let clock = Self.clockAtNow()
        let (db, dir) = try makeDB(TSDBOptions(backfillMaxSamples: 500, backfillMaxAge: Self.day), clock: clock)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.liveHead(db)
        let start = Self.now - 12 * Self.hour
        let steps = 600
        let done = StopFlag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var app = db.appender()
                for s in 0..<10 {
                    for step in 0..<steps {
                        _ = try? app.append(series("imp", ["s": "\(s)"]), start + Int64(step) * 60_000, Double(step))
                        if step % 50 == 49 { app.commit(sourceOffset: Int64(s * steps + step)) }
                    }
                }
                done.set()
            }
            group.addTask {
                while !done.isSet {
                    if db.needsMaintenance { try? db.maintain() }
                    await Task.yield()
                }
            }
            group.addTask {
                while !done.isSet {
                    if let got = try? Self.select(db, "imp") {
                        #expect(got.allSatisfy { Set($0.timestamps).count == $0.count })
                    }
                    await Task.yield()
                }
            }
        }
        try db.flush(before: Self.now + 2 * Self.hour)   // the live head sample and the buffer
        #expect(db.backfillSamples == 0)
        let got = try Self.select(db, "imp")
        #expect(got.count == 10)
        #expect(got.allSatisfy { $0.timestamps == (0..<steps).map { start + Int64($0) * 60_000 } })
        #expect(db.replayOffset == Int64(10 * steps))
    }
}
