import PetrelCore
import Testing
@testable import PromQL

/// A handcrafted store: every series with all its samples, filtered per query.
struct MemoryStorage: PromQLStorage {
    var series: [SeriesData]

    init(_ series: [SeriesData]) {
        self.series = series
    }

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesData] {
        series.filter { s in matchers.allSatisfy { $0.matches(s.labels[$0.name] ?? "") } }
            .map { s in
                var out = SeriesData(labels: s.labels)
                for (t, v) in zip(s.timestamps, s.values) where t >= mint && t <= maxt {
                    out.timestamps.append(t)
                    out.values.append(v)
                }
                return out
            }
            .filter { $0.count > 0 }
            .sorted { $0.labels < $1.labels }
    }
}

/// A series from `(seconds, value)` pairs.
func series(_ labels: [String: String], _ points: [(Int64, Double)]) -> SeriesData {
    SeriesData(labels: Labels(labels), timestamps: points.map { $0.0 * 1000 }, values: points.map { $0.1 })
}

func labels(_ dictionary: [String: String]) -> Labels { Labels(dictionary) }

@Suite("PromQL engine")
struct EngineTests {
    let engine = Engine()

    /// Value of a one-element instant vector.
    func single(_ query: String, at seconds: Int64, _ storage: MemoryStorage) throws -> Double? {
        guard case .vector(let v) = try engine.instantQuery(query, at: seconds * 1000, storage: storage) else {
            Issue.record("\(query) is not a vector")
            return nil
        }
        #expect(v.count <= 1)
        return v.first?.value
    }

    // MARK: rate, increase, delta, irate

    @Test("rate over a steady counter counts both ends of the window (2.42 boundary)")
    func rateSteady() throws {
        let store = MemoryStorage([series(["__name__": "c"], [(0, 0), (15, 10), (30, 20), (45, 30), (60, 40)])])
        // Samples at 0 and 60 are both inside [0, 60]: increase 40 over 60 s, no extrapolation.
        let rate = try #require(try single("rate(c[1m])", at: 60, store))
        #expect(rate == 40.0 / 60.0)
        guard case .vector(let v) = try engine.instantQuery("rate(c[1m])", at: 60_000, storage: store) else { return }
        #expect(v[0].labels == Labels())
        #expect(v[0].timestamp == 60_000)
    }

    @Test("rate extrapolates to the window edges when samples are close to them")
    func rateExtrapolated() throws {
        let store = MemoryStorage([series(["__name__": "c"], [(5, 5), (20, 20), (35, 35), (50, 50)])])
        // To start 5 s, to end 10 s, both under 1.1 × 15 s: 45 × (45 + 5 + 10) / 45 = 60.
        #expect(try single("increase(c[1m])", at: 60, store) == 60)
        // Prometheus multiplies by (extrapolated / sampled) / range, in that order.
        #expect(try single("rate(c[1m])", at: 60, store) == 45 * ((60.0 / 45.0) / 60.0))
    }

    @Test("counters are not extrapolated below zero; gaps past the threshold extrapolate half an interval")
    func zeroClampAndThreshold() throws {
        let store = MemoryStorage([series(["__name__": "c"], [(30, 10), (40, 20), (50, 30)])])
        // increase: to-start 30 s, but the counter reaches zero 10 s before the first sample:
        // 20 × (20 + 10 + 10) / 20 = 40.
        #expect(try single("increase(c[1m])", at: 60, store) == 40)
        // delta has no zero clamp: 30 s is past 1.1 × 10 s so only 5 s is added: 20 × 35 / 20.
        #expect(try single("delta(c[1m])", at: 60, store) == 35)
        #expect(try single("rate(c[1m])", at: 60, store) == 40.0 / 60.0)
    }

    @Test("counter resets add the value before the reset")
    func counterReset() throws {
        let store = MemoryStorage([series(["__name__": "c"], [(0, 10), (15, 20), (30, 5), (45, 15), (60, 25)])])
        #expect(try single("increase(c[1m])", at: 60, store) == 35)
        #expect(try single("rate(c[1m])", at: 60, store) == 35.0 / 60.0)
        // delta ignores resets.
        #expect(try single("delta(c[1m])", at: 60, store) == 15)
        #expect(try single("irate(c[1m])", at: 60, store) == 10.0 / 15.0)
        #expect(try single("irate(c[1m])", at: 30, store) == 5.0 / 15.0)
        #expect(try single("idelta(c[1m])", at: 30, store) == -15)
    }

    @Test("a window with fewer than two samples gives no rate")
    func rateNeedsTwoSamples() throws {
        let store = MemoryStorage([series(["__name__": "c"], [(0, 1), (100, 2)])])
        #expect(try single("rate(c[1m])", at: 60, store) == nil)
        #expect(try single("rate(c[1m])", at: 100, store) == nil)
    }

    @Test("rate keeps each series' labels without the metric name")
    func rateLabels() throws {
        let store = MemoryStorage([
            series(["__name__": "c", "job": "a"], [(0, 0), (60, 60)]),
            series(["__name__": "c", "job": "b"], [(0, 0), (60, 120)]),
        ])
        guard case .vector(let v) = try engine.instantQuery("rate(c[1m])", at: 60_000, storage: store) else { return }
        #expect(v.map(\.labels) == [labels(["job": "a"]), labels(["job": "b"])])
        #expect(v.map(\.value) == [1, 2])
    }

    @Test("series that differ only by name collide after rate")
    func rateCollision() throws {
        let store = MemoryStorage([
            series(["__name__": "a", "job": "x"], [(0, 0), (60, 60)]),
            series(["__name__": "b", "job": "x"], [(0, 0), (60, 60)]),
        ])
        #expect(throws: PromQLError(.execution, "vector cannot contain metrics with the same labelset")) {
            try engine.instantQuery(#"rate({job="x"}[1m])"#, at: 60_000, storage: store)
        }
    }

    // MARK: selectors, lookback, staleness, offset, @

    @Test("an instant selector takes the latest sample within five minutes")
    func lookback() throws {
        let store = MemoryStorage([series(["__name__": "g"], [(0, 1), (60, 2)])])
        #expect(try single("g", at: 59, store) == 1)
        #expect(try single("g", at: 60, store) == 2)
        #expect(try single("g", at: 360, store) == 2)
        #expect(try single("g", at: 361, store) == nil)
    }

    @Test("a stale marker ends the series until the next sample")
    func staleness() throws {
        let store = MemoryStorage([series(["__name__": "g"], [(0, 1), (60, StaleMarker.value), (120, 3)])])
        #expect(try single("g", at: 30, store) == 1)
        #expect(try single("g", at: 90, store) == nil)
        #expect(try single("g", at: 120, store) == 3)
        // Range selectors skip stale markers.
        guard case .matrix(let m) = try engine.instantQuery("g[5m]", at: 120_000, storage: store) else { return }
        #expect(m == [series(["__name__": "g"], [(0, 1), (120, 3)])])
    }

    @Test("all four matcher types select series")
    func matchers() throws {
        let store = MemoryStorage([
            series(["__name__": "m", "env": "prod", "dc": "eu1"], [(0, 1)]),
            series(["__name__": "m", "env": "dev", "dc": "eu2"], [(0, 2)]),
            series(["__name__": "m", "env": "prod", "dc": "us1"], [(0, 3)]),
        ])
        func values(_ q: String) throws -> [Double] {
            guard case .vector(let v) = try engine.instantQuery(q, at: 0, storage: store) else { return [] }
            return v.map(\.value).sorted()
        }
        #expect(try values(#"m{env="prod"}"#) == [1, 3])
        #expect(try values(#"m{env!="prod"}"#) == [2])
        #expect(try values(#"m{dc=~"eu.*"}"#) == [1, 2])
        #expect(try values(#"m{dc!~"eu.*", env="prod"}"#) == [3])
        #expect(try values(#"{__name__=~"m|n", dc="eu2"}"#) == [2])
    }

    @Test("offset and @ move the evaluation time")
    func offsetAndAt() throws {
        let store = MemoryStorage([series(["__name__": "g"], [(0, 1), (60, 2), (120, 3)])])
        #expect(try single("g offset 1m", at: 120, store) == 2)
        #expect(try single("g offset -1m", at: 60, store) == 3)
        #expect(try single("g @ 60", at: 1000, store) == 2)
        #expect(try single("g @ 60 offset 1m", at: 1000, store) == 1)
        #expect(try single("increase(g[1m] @ 120)", at: 5, store) == 1)
        #expect(try single("g @ end()", at: 120, store) == 3)
        // In a range query @ start() pins every step to the start.
        let result = try engine.rangeQuery("g @ start()", start: 60_000, end: 120_000, step: 60_000, storage: store)
        #expect(result == .matrix([SeriesData(labels: labels(["__name__": "g"]), timestamps: [60_000, 120_000], values: [2, 2])]))
    }

    @Test("range queries evaluate every step and sort series by labels")
    func rangeQuery() throws {
        let store = MemoryStorage([
            series(["__name__": "g", "i": "b"], [(0, 1), (60, 2), (120, StaleMarker.value)]),
            series(["__name__": "g", "i": "a"], [(30, 5)]),
        ])
        let result = try engine.rangeQuery("g", start: 0, end: 180_000, step: 60_000, storage: store)
        #expect(result == .matrix([
            SeriesData(labels: labels(["__name__": "g", "i": "a"]), timestamps: [60_000, 120_000, 180_000], values: [5, 5, 5]),
            SeriesData(labels: labels(["__name__": "g", "i": "b"]), timestamps: [0, 60_000], values: [1, 2]),
        ]))
        let scalar = try engine.rangeQuery("1 + 1", start: 0, end: 60_000, step: 30_000, storage: store)
        #expect(scalar == .matrix([SeriesData(labels: Labels(), timestamps: [0, 30_000, 60_000], values: [2, 2, 2])]))
        #expect(throws: PromQLError.self) { try engine.rangeQuery("g[5m]", start: 0, end: 60_000, step: 1000, storage: store) }
    }

    @Test("literals evaluate to scalars and strings at the query time")
    func literals() throws {
        let store = MemoryStorage([])
        #expect(try engine.instantQuery("2 ^ 10", at: 5, storage: store) == .scalar(t: 5, v: 1024))
        #expect(try engine.instantQuery("-(3 % 2) + 7 / 2", at: 5, storage: store) == .scalar(t: 5, v: 2.5))
        #expect(try engine.instantQuery("1 < bool 2", at: 5, storage: store) == .scalar(t: 5, v: 1))
        #expect(try engine.instantQuery(#""hi""#, at: 5, storage: store) == .string(t: 5, s: "hi"))
        #expect(try engine.instantQuery("missing", at: 5, storage: store) == .vector([]))
    }

    // MARK: aggregation

    @Test("sum, avg, min, max and count group by and without labels and drop the name")
    func aggregations() throws {
        let store = MemoryStorage([
            series(["__name__": "r", "job": "api", "instance": "1"], [(0, 1)]),
            series(["__name__": "r", "job": "api", "instance": "2"], [(0, 3)]),
            series(["__name__": "r", "job": "db", "instance": "1"], [(0, 10)]),
        ])
        func result(_ q: String) throws -> [String: Double] {
            guard case .vector(let v) = try engine.instantQuery(q, at: 0, storage: store) else { return [:] }
            return Dictionary(uniqueKeysWithValues: v.map { ($0.labels.description, $0.value) })
        }
        #expect(try result("sum(r)") == ["{}": 14])
        #expect(try result("sum by (job) (r)") == [#"{job="api"}"#: 4, #"{job="db"}"#: 10])
        #expect(try result("sum(r) without (instance)") == [#"{job="api"}"#: 4, #"{job="db"}"#: 10])
        #expect(try result("avg by (job) (r)") == [#"{job="api"}"#: 2, #"{job="db"}"#: 10])
        #expect(try result("min by (instance) (r)") == [#"{instance="1"}"#: 1, #"{instance="2"}"#: 3])
        #expect(try result("max without (job) (r)") == [#"{instance="1"}"#: 10, #"{instance="2"}"#: 3])
        #expect(try result("count without () (r)").count == 3)
        #expect(try result("count(r)") == ["{}": 3])
        #expect(try result("group by (job) (r)") == [#"{job="api"}"#: 1, #"{job="db"}"#: 1])
        #expect(try result("sum by (__name__) (r)") == [#"r"#: 14])
    }

    @Test("avg keeps an infinite mean instead of turning it into NaN")
    func avgInfinity() throws {
        let store = MemoryStorage([
            series(["__name__": "r", "i": "1"], [(0, .infinity)]),
            series(["__name__": "r", "i": "2"], [(0, 5)]),
        ])
        #expect(try single("avg(r)", at: 0, store) == .infinity)
    }

    // MARK: binary operators

    @Test("vector and scalar arithmetic drops the name; comparisons filter or give bool")
    func vectorScalar() throws {
        let store = MemoryStorage([
            series(["__name__": "m", "i": "1"], [(0, 1)]),
            series(["__name__": "m", "i": "2"], [(0, 5)]),
        ])
        func result(_ q: String) throws -> [VectorSample] {
            guard case .vector(let v) = try engine.instantQuery(q, at: 0, storage: store) else { return [] }
            return v
        }
        #expect(try result("m * 2").map(\.value) == [2, 10])
        #expect(try result("m * 2").map(\.labels) == [labels(["i": "1"]), labels(["i": "2"])])
        #expect(try result("10 - m").map(\.value) == [9, 5])
        #expect(try result("m > 2").map(\.labels) == [labels(["__name__": "m", "i": "2"])])
        #expect(try result("m > 2").map(\.value) == [5])
        #expect(try result("2 < m").map(\.value) == [5])
        #expect(try result("m > bool 2").map(\.value) == [0, 1])
        #expect(try result("m > bool 2").map(\.labels) == [labels(["i": "1"]), labels(["i": "2"])])
        #expect(try result("-m").map(\.value) == [-1, -5])
        #expect(try result("m ^ 2 % 7").map(\.value) == [1, 4])
    }

    @Test("vector to vector operations match one-to-one on all labels, on or ignoring")
    func vectorVector() throws {
        let store = MemoryStorage([
            series(["__name__": "a", "job": "x", "i": "1"], [(0, 10)]),
            series(["__name__": "a", "job": "y", "i": "1"], [(0, 20)]),
            series(["__name__": "b", "job": "x", "i": "1"], [(0, 2)]),
            series(["__name__": "b", "job": "y", "i": "2"], [(0, 4)]),
        ])
        func result(_ q: String) throws -> [String: Double] {
            guard case .vector(let v) = try engine.instantQuery(q, at: 0, storage: store) else { return [:] }
            return Dictionary(uniqueKeysWithValues: v.map { ($0.labels.description, $0.value) })
        }
        #expect(try result("a / b") == [#"{i="1", job="x"}"#: 5])
        #expect(try result("a / on(job) b") == [#"{job="x"}"#: 5, #"{job="y"}"#: 5])
        #expect(try result("a - ignoring(i) b") == [#"{job="x"}"#: 8, #"{job="y"}"#: 16])
        #expect(try result("a > on(job) b") == [#"{job="x"}"#: 10, #"{job="y"}"#: 20])
        #expect(try result("a < bool on(job) b") == [#"{job="x"}"#: 0, #"{job="y"}"#: 0])
        #expect(throws: PromQLError.self) { try engine.instantQuery("a + on() b", at: 0, storage: store) }
    }

    // MARK: limits and unsupported queries

    @Test("a query that would hold more than maxSamples is refused")
    func maxSamples() throws {
        let points = (0..<100).map { (Int64($0 * 10), Double($0)) }
        let store = MemoryStorage([series(["__name__": "c"], points)])
        let small = Engine(options: EngineOptions(maxSamples: 10))
        #expect(throws: PromQLError(.execution, "query processing would load too many samples into memory in query execution")) {
            try small.instantQuery("rate(c[5m])", at: 900_000, storage: store)
        }
        #expect(throws: PromQLError.tooManySamples) {
            try small.rangeQuery("c", start: 0, end: 990_000, step: 10_000, storage: store)
        }
        #expect(throws: PromQLError.tooManySamples) { try small.instantQuery("c[5m]", at: 900_000, storage: store) }
        #expect(try small.instantQuery("rate(c[50s])", at: 900_000, storage: store) != .vector([]))
    }

    @Test("every construct the parser accepts is evaluated")
    func everythingEvaluates() throws {
        let store = MemoryStorage([series(["__name__": "c"], [(0, 1)])])
        let cases = ["abs(c)", "topk(1, c)", "c and c", "c[5m:1m]", "c * on() group_left c", "quantile_over_time(0.5, c[1m])",
                     "rate(c[5m:1m])", "holt_winters(c[5m], 0.5, 0.5)", "count_values(\"v\", c)", "year()", "pi()"]
        for query in cases {
            _ = try engine.instantQuery(query, at: 0, storage: store)
        }
    }

    @Test("a query past its timeout fails with Prometheus' timeout error")
    func timeout() {
        let store = MemoryStorage([series(["__name__": "c"], [(0, 1)])])
        let hurried = Engine(options: EngineOptions(timeout: .zero))
        #expect(throws: PromQLError(.timeout, "query timed out in expression evaluation")) {
            try hurried.rangeQuery("c", start: 0, end: 3_600_000, step: 1000, storage: store)
        }
    }

    @Test("range queries of rate move the window with each step and honour offset")
    func rateRange() throws {
        let store = MemoryStorage([series(["__name__": "c"], (0...20).map { (Int64($0 * 15), Double($0 * 15)) })])
        let result = try engine.rangeQuery("rate(c[1m] offset 1m)", start: 120_000, end: 240_000, step: 60_000, storage: store)
        // Every window holds five samples 15 s apart covering it exactly: 1 per second.
        #expect(result == .matrix([SeriesData(labels: Labels(), timestamps: [120_000, 180_000, 240_000], values: [1, 1, 1])]))
    }

    @Test("parse errors surface as bad_data from queries")
    func parseErrors() {
        #expect(throws: PromQLError.parse("unexpected end of input", at: PositionRange(start: 2, end: 2), in: Array("1+".utf8))) {
            try engine.instantQuery("1+", at: 0, storage: MemoryStorage([]))
        }
    }

    @Test("storage failures become execution errors with the cause attached")
    func storageFailure() {
        struct Broken: PromQLStorage {
            struct Failure: Error, CustomStringConvertible { var description: String { "disk on fire" } }
            func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesData] { throw Failure() }
        }
        do {
            _ = try engine.instantQuery("up", at: 0, storage: Broken())
            Issue.record("no error")
        } catch {
            #expect(error.kind == .execution)
            #expect(error.message == "expanding series: disk on fire")
            #expect(error.cause != nil)
        }
    }
}
