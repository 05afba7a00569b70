import Foundation
import Logging
import PetrelCore
import Testing
@testable import TSDB

/// A fresh TSDB in a unique temporary directory.
func makeDB(_ options: TSDBOptions = TSDBOptions(), directory: String? = nil,
            clock: ManualTimeSource = ManualTimeSource(nanos: 0)) throws -> (TSDB, String) {
    let dir = directory ?? NSTemporaryDirectory() + "tsdb-test-" + UUID().uuidString
    return (try TSDB(directory: dir, options: options, timeSource: clock, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })), dir)
}

func series(_ name: String, _ extra: [String: String] = [:]) -> Labels {
    var d = extra
    d["__name__"] = name
    return Labels(d)
}

func eq(_ name: String, _ value: String) -> LabelMatcher { try! LabelMatcher(.equal, name, value) }

@Suite("Head appends and queries")
struct HeadTests {
    @Test("committed samples are visible, uncommitted ones are not")
    func commitVisibility() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        let ref = try app.append(series("up", ["job": "a"]), 1000, 1)
        try app.append(ref: ref, 2000, 2)
        #expect(try db.querier(mint: 0, maxt: 10_000).select([eq("__name__", "up")]).isEmpty)
        app.commit(sourceOffset: 0)
        let result = try db.querier(mint: 0, maxt: 10_000).select([eq("__name__", "up")])
        #expect(result == [SeriesData(labels: series("up", ["job": "a"]), timestamps: [1000, 2000], values: [1, 2])])
        #expect(try db.querier(mint: 1500, maxt: 10_000).select([eq("job", "a")]).first?.timestamps == [2000])
        #expect(try db.querier(mint: 3000, maxt: 10_000).select([eq("job", "a")]).isEmpty)
    }

    @Test("thousands of series get distinct refs that resolve on the fast path")
    func manySeries() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        var refs: [SeriesRef] = []
        for i in 0..<5000 { refs.append(try app.append(series("m", ["i": "\(i)"]), 1000, Double(i))) }
        for (i, ref) in refs.enumerated() { try app.append(ref: ref, 2000, Double(i)) }
        app.commit(sourceOffset: 0)
        #expect(Set(refs).count == 5000)
        #expect(try app.append(series("m", ["i": "42"]), 3000, 1) == refs[42])
        let got = try db.querier(mint: 0, maxt: 5000).select([eq("__name__", "m")])
        #expect(got.count == 5000)
        #expect(got.allSatisfy { $0.timestamps == [1000, 2000] })
        #expect(db.stats.headSeries == 5000)
    }

    @Test("out-of-order samples within the window merge into the head, older ones go to the backfill buffer")
    func outOfOrderWindow() throws {
        let hour: Int64 = 3_600_000
        let (db, dir) = try makeDB(TSDBOptions(outOfOrderWindow: hour))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        let ref = try app.append(series("m"), 10 * hour, 10)
        app.commit(sourceOffset: 0)
        try app.append(ref: ref, 10 * hour - 30 * 60_000, 9.5)
        try app.append(ref: ref, 10 * hour - hour, 9)
        try app.append(ref: ref, 10 * hour - hour - 1, 8)
        try app.append(ref: ref, 5 * hour, 5)
        app.commit(sourceOffset: 1)
        #expect(db.stats.headSamples == 3)
        #expect(db.backfillSamples == 2)
        let got = try db.querier(mint: 0, maxt: 20 * hour).select([eq("__name__", "m")])
        #expect(got.first?.timestamps == [5 * hour, 9 * hour - 1, 9 * hour, 10 * hour - 30 * 60_000, 10 * hour])
        #expect(got.first?.values == [5, 8, 9, 9.5, 10])
    }

    @Test("an exact duplicate is ignored and a new value at the same time replaces the old")
    func duplicatesAndReplacement() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        let ref = try app.append(series("m"), 1000, 1)
        try app.append(ref: ref, 2000, 2)
        try app.append(ref: ref, 3000, 3)
        app.commit(sourceOffset: 0)
        try app.append(ref: ref, 3000, 3)     // duplicate of the newest
        try app.append(ref: ref, 2000, 2)     // duplicate of an older one
        try app.append(ref: ref, 1000, 10)    // replacement
        try app.append(ref: ref, 3000, 30)    // replacement of the newest
        app.commit(sourceOffset: 1)
        let got = try db.querier(mint: 0, maxt: 10_000).select([eq("__name__", "m")])
        #expect(got.first?.timestamps == [1000, 2000, 3000])
        #expect(got.first?.values == [10, 2, 30])
    }

    @Test("many out-of-order samples are merged into chunks without loss")
    func outOfOrderMerging() throws {
        let (db, dir) = try makeDB(TSDBOptions(chunkSamples: 16))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        let ref = try app.append(series("m"), 1_000_000, 0)
        for i in stride(from: 999, through: 0, by: -1) { try app.append(ref: ref, Int64(i) * 1000, Double(i)) }
        app.commit(sourceOffset: 0)
        let got = try #require(try db.querier(mint: 0, maxt: 2_000_000).select([eq("__name__", "m")]).first)
        #expect(got.timestamps == (0..<1000).map { Int64($0) * 1000 } + [1_000_000])
        #expect(got.values.prefix(1000) == ArraySlice((0..<1000).map(Double.init)))
    }

    @Test("series limits reject new series with an error naming the metric")
    func limits() throws {
        let (db, dir) = try makeDB(TSDBOptions(maxSeries: 3, maxSeriesPerMetric: 2))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        try app.append(series("a", ["i": "1"]), 1, 1)
        try app.append(series("a", ["i": "2"]), 1, 1)
        do {
            try app.append(series("a", ["i": "3"]), 1, 1)
            Issue.record("expected a per-metric limit error")
        } catch let e as TSDBError {
            #expect(e.code == .limit)
            #expect(e.message.contains("\"a\""))
            #expect(e.message.contains("maxSeriesPerMetric=2"))
        }
        try app.append(series("a", ["i": "1"]), 2, 2)  // existing series still accepted
        try app.append(series("b"), 1, 1)
        #expect(throws: TSDBError.self) { try app.append(series("c"), 1, 1) }
        app.commit(sourceOffset: 0)
        #expect(db.stats.headSeries == 3)
        #expect(try db.querier(mint: 0, maxt: 10).select([eq("__name__", "a")]).count == 2)
    }

    @Test("label names, values and series honour matchers")
    func metadata() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        try app.append(series("up", ["job": "a", "zone": "x"]), 100, 1)
        try app.append(series("up", ["job": "b"]), 100, 1)
        try app.append(series("cpu", ["job": "a", "mode": "idle"]), 100, 1)
        app.commit(sourceOffset: 0)
        let q = db.querier(mint: 0, maxt: 1000)
        #expect(q.labelNames() == ["__name__", "job", "mode", "zone"])
        #expect(q.labelNames([eq("__name__", "up")]) == ["__name__", "job", "zone"])
        #expect(q.labelValues("job") == ["a", "b"])
        #expect(q.labelValues("__name__", [eq("job", "a")]) == ["cpu", "up"])
        #expect(q.series([eq("job", "a")]) == [series("cpu", ["job": "a", "mode": "idle"]), series("up", ["job": "a", "zone": "x"])])
        #expect(db.querier(mint: 200, maxt: 1000).series([eq("job", "a")]).isEmpty)
    }

    @Test("a query over maxSamples is refused with a limit error")
    func sampleLimit() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        for i in 0..<10 { try app.append(series("m", ["i": "\(i)"]), 1000, 1); try app.append(series("m", ["i": "\(i)"]), 2000, 1) }
        app.commit(sourceOffset: 0)
        let q = db.querier(mint: 0, maxt: 5000)
        #expect(q.estimatedSamples([eq("__name__", "m")]) == 20)
        #expect(try q.select([eq("__name__", "m")], maxSamples: 20).count == 10)
        do {
            _ = try q.select([eq("__name__", "m")], maxSamples: 19)
            Issue.record("expected a limit error")
        } catch let e as TSDBError {
            #expect(e.code == .limit)
        }
    }

    @Test("queries run while another task appends")
    func concurrentReads() async throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var app = db.appender()
                for t in 1...200 {
                    for s in 0..<20 { _ = try? app.append(series("m", ["s": "\(s)"]), Int64(t) * 1000, Double(t)) }
                    app.commit(sourceOffset: Int64(t))
                }
            }
            group.addTask {
                for _ in 0..<50 { _ = try? db.querier(mint: 0, maxt: .max).select([eq("__name__", "m")]) }
            }
        }
        let all = try db.querier(mint: 0, maxt: .max).select([eq("__name__", "m")])
        #expect(all.count == 20)
        #expect(all.allSatisfy { $0.count == 200 })
    }

    @Test("absurd timestamps are refused with an error, not a crash")
    func extremeTimestamps() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        for t in [Int64.min, Int64.max, Int64.min + 1, 1 << 62] {
            #expect(throws: TSDBError.self) { try app.append(series("m"), t, 1) }
        }
        try app.append(series("m"), 0, 1)
        app.commit(sourceOffset: 0)
        #expect(try db.querier(mint: .min, maxt: .max).select([eq("__name__", "m")]).first?.count == 1)
    }

    @Test("an unknown ref is reported as unknownSeries")
    func unknownRef() throws {
        let (db, dir) = try makeDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var app = db.appender()
        do {
            try app.append(ref: 12345, 1, 1)
            Issue.record("expected unknownSeries")
        } catch let e as TSDBError {
            #expect(e.code == .unknownSeries)
        }
    }
}
