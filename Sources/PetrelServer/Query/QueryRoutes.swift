import Hummingbird
import Metrics
import PetrelCore
import PromQL
import TSDB

/// The Prometheus HTTP query API (`/api/v1/query`, `query_range`, `series`,
/// `labels`, `label/<name>/values`, `status/buildinfo`), with its exact JSON shapes.
/// Queries are evaluated on the `QueryRunner`'s threads, never on an event loop.
struct QueryRoutes {
    let components: PetrelComponents
    var runner = QueryRunner()

    func register(on router: Router<BasicRequestContext>) {
        route(router, "/api/v1/query") { params, _ in try await instant(params) }
        route(router, "/api/v1/query_range") { params, _ in try await range(params) }
        route(router, "/api/v1/series") { params, _ in try series(params) }
        route(router, "/api/v1/labels") { params, _ in try labels(params) }
        route(router, "/api/v1/label/{name}/values") { params, context in
            try labelValues(context.parameters.get("name") ?? "", params)
        }
        StatusRoutes(components: components).register(on: router, route: route)
        router.get("/api/v1/status/buildinfo") { _, _ in
            PrometheusAPI.success { json in
                json.raw("{\"version\":\"2.42.0\",\"revision\":\"petrel-\(PetrelVersion.current)\",\"branch\":\"petrel\",")
                json.raw("\"buildUser\":\"petrel\",\"buildDate\":\"\",\"goVersion\":\"none\",\"application\":\"petrel\",")
                json.raw("\"petrelVersion\":\"\(PetrelVersion.current)\"}")
            }
        }
    }

    /// Serves `path` for GET and form POST: reads the parameters and maps every
    /// error to Prometheus' error body.
    func route(_ router: Router<BasicRequestContext>, _ path: String,
               _ body: @escaping @Sendable (FormParameters, BasicRequestContext) async throws -> Response) {
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            do {
                return try await body(try await PrometheusAPI.parameters(request), context)
            } catch let failure as PrometheusAPI.Failure {
                return PrometheusAPI.error(failure)
            } catch let error as PromQLError {
                return PrometheusAPI.error(Self.failure(error))
            } catch let error as TSDBError {
                return PrometheusAPI.error(.init(kind: .execution, message: "\(error)"))
            }
        }
        router.get(RouterPath(path), use: handler)
        router.post(RouterPath(path), use: handler)
    }

    static func failure(_ error: PromQLError) -> PrometheusAPI.Failure {
        switch error.kind {
        case .badData: return .init(kind: .badData, message: error.message)
        case .execution: return .init(kind: .execution, message: error.message)
        case .timeout: return .init(kind: .timeout, message: error.message)
        case .canceled: return .init(kind: .canceled, message: error.message)
        }
    }

    var storage: TSDBQueryStorage { TSDBQueryStorage(tsdb: components.tsdb) }

    func query(_ params: FormParameters) throws -> String {
        guard let q = params["query"], !q.isEmpty else {
            throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"query\": unknown position: parse error: no expression found in input")
        }
        return q
    }

    func instant(_ params: FormParameters) async throws -> Response {
        let q = try query(params)
        let now = SystemTimeSource().nowMillis()
        let t = try PrometheusAPI.time(params["time"], name: "time", default: now)
        let engine = try engine(params)
        return try await execute("instant", params) { storage, stats in
            try engine.instantQuery(q, at: t, storage: storage, stats: &stats)
        }
    }

    func range(_ params: FormParameters) async throws -> Response {
        let q = try query(params)
        guard let startText = params["start"] else { throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"start\": cannot parse \"\" to a valid timestamp") }
        guard let endText = params["end"] else { throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"end\": cannot parse \"\" to a valid timestamp") }
        guard let stepText = params["step"] else { throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"step\": cannot parse \"\" to a valid duration") }
        let startMs = try PrometheusAPI.time(startText, name: "start", default: 0)
        let endMs = try PrometheusAPI.time(endText, name: "end", default: 0)
        if endMs < startMs {
            throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"end\": end timestamp must not be before start time")
        }
        let step = try PrometheusAPI.duration(stepText, name: "step")
        if (endMs - startMs) / step > 11_000 {
            throw PrometheusAPI.Failure(kind: .badData, message: "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let engine = try engine(params)
        return try await execute("range", params) { storage, stats in
            try engine.rangeQuery(q, start: startMs, end: endMs, step: step, storage: storage, stats: &stats)
        }
    }

    /// The server's engine, or one with a shorter deadline when the request's `timeout`
    /// parameter asks for less than the server allows (Prometheus applies both).
    func engine(_ params: FormParameters) throws -> Engine {
        guard let text = params["timeout"], !text.isEmpty else { return components.engine }
        let requested: Int64
        do {
            requested = try PrometheusAPI.duration(text, name: "timeout")
        } catch {
            throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"timeout\": cannot parse \"\(text)\" to a valid duration")
        }
        var options = components.engine.options
        let server = Int64(options.timeout.components.seconds) * 1000 + options.timeout.components.attoseconds / 1_000_000_000_000_000
        guard requested < server else { return components.engine }
        options.timeout = .milliseconds(requested)
        return Engine(options: options)
    }

    /// Runs one evaluation on the query threads and renders it, with `stats` when asked.
    func execute(_ kind: String, _ params: FormParameters,
                 _ evaluate: @escaping @Sendable (TSDBQueryStorage, inout QueryStats) throws -> QueryResult) async throws -> Response {
        let storage = self.storage
        let queued = monotonicNanos()
        defer { Self.queryDuration(kind).recordNanoseconds(Int64(monotonicNanos() - queued)) }
        let (result, samples, started, finished) = try await runner.run {
            let started = monotonicNanos()
            var samples = QueryStats()
            let result = try evaluate(storage, &samples)
            return (result, samples, started, monotonicNanos())
        }
        let wantsStats = !(params["stats"] ?? "").isEmpty
        return PrometheusAPI.success { json in
            guard wantsStats else { return json.raw(result.prometheusJSON) }
            var data = result.prometheusJSON
            data.removeLast() // the closing brace of the data object; stats go inside it
            json.raw(data)
            let timings = QueryTimings(queuedNanos: started - queued, evalNanos: finished - started, samples: samples)
            json.raw(",\"stats\":")
            timings.write(into: &json)
            json.raw("}")
        }
    }

    func bounds(_ params: FormParameters) throws -> (Int64, Int64) {
        let start = try PrometheusAPI.time(params["start"], name: "start", default: PrometheusAPI.minTime)
        let end = try PrometheusAPI.time(params["end"], name: "end", default: PrometheusAPI.maxTime)
        if end < start { throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"end\": end timestamp must not be before start time") }
        return (start, end)
    }

    func series(_ params: FormParameters) throws -> Response {
        let sets = try PrometheusAPI.matchers(params, required: true)
        let (start, end) = try bounds(params)
        let querier = components.tsdb.querier(mint: start, maxt: end)
        var all = Set<Labels>()
        for matchers in sets { all.formUnion(try querier.series(matchers)) }
        let sorted = all.sorted()
        return PrometheusAPI.success { json in
            json.raw("[")
            for (i, labels) in sorted.enumerated() {
                if i > 0 { json.raw(",") }
                json.labels(labels)
            }
            json.raw("]")
        }
    }

    func labels(_ params: FormParameters) throws -> Response {
        let sets = try PrometheusAPI.matchers(params, required: false)
        let (start, end) = try bounds(params)
        let querier = components.tsdb.querier(mint: start, maxt: end)
        var names = Set<String>()
        if sets.isEmpty {
            names.formUnion(try querier.labelNames([]))
        } else {
            for matchers in sets { names.formUnion(try querier.labelNames(matchers)) }
        }
        return PrometheusAPI.success { json in json.stringArray(names.sorted()) }
    }

    func labelValues(_ name: String, _ params: FormParameters) throws -> Response {
        let sets = try PrometheusAPI.matchers(params, required: false)
        let (start, end) = try bounds(params)
        let querier = components.tsdb.querier(mint: start, maxt: end)
        var values = Set<String>()
        if sets.isEmpty {
            values.formUnion(try querier.labelValues(name, []))
        } else {
            for matchers in sets { values.formUnion(try querier.labelValues(name, matchers)) }
        }
        return PrometheusAPI.success { json in json.stringArray(values.sorted()) }
    }

    static func queryDuration(_ kind: String) -> Metrics.Timer {
        Metrics.Timer(label: "petrel_query_duration_seconds", dimensions: [("kind", kind)])
    }
}

/// The TSDB as PromQL's storage.
struct TSDBQueryStorage: PromQLStorage {
    let tsdb: TSDB

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesData] {
        try tsdb.querier(mint: mint, maxt: maxt).select(matchers)
    }
}
