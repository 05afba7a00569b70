import Foundation
import Hummingbird
import PetrelCore
import PromQL
import TSDB

/// The parts of the Prometheus 2.42 HTTP API that Grafana and other clients call besides
/// queries: `format_query`, `query_exemplars`, `metadata`, the `status/*` pages, `rules`,
/// `alerts`, `targets` and `alertmanagers`, each in Prometheus' JSON shape (empty lists where
/// Petrel has nothing of that kind yet).
struct StatusRoutes {
    let components: PetrelComponents

    /// When this process started serving, for `status/runtimeinfo`.
    static let startedAtMs = SystemTimeSource().nowMillis()

    typealias Route = (Router<BasicRequestContext>, String,
                       @escaping @Sendable (FormParameters, BasicRequestContext) async throws -> Response) -> Void

    func register(on router: Router<BasicRequestContext>, route: Route) {
        _ = Self.startedAtMs
        route(router, "/api/v1/format_query") { params, _ in try formatQuery(params) }
        route(router, "/api/v1/query_exemplars") { params, _ in try queryExemplars(params) }
        route(router, "/api/v1/metadata") { params, _ in try metadata(params) }
        route(router, "/api/v1/status/config") { _, _ in config() }
        route(router, "/api/v1/status/flags") { _, _ in flags() }
        route(router, "/api/v1/status/runtimeinfo") { _, _ in runtimeInfo() }
        route(router, "/api/v1/status/tsdb") { _, _ in try tsdbStatus() }
        route(router, "/api/v1/rules") { _, _ in PrometheusAPI.success { $0.raw("{\"groups\":[]}") } }
        route(router, "/api/v1/alerts") { _, _ in PrometheusAPI.success { $0.raw("{\"alerts\":[]}") } }
        route(router, "/api/v1/targets") { _, _ in
            PrometheusAPI.success { $0.raw("{\"activeTargets\":[],\"droppedTargets\":[]}") }
        }
        route(router, "/api/v1/alertmanagers") { _, _ in
            PrometheusAPI.success { $0.raw("{\"activeAlertmanagers\":[],\"droppedAlertmanagers\":[]}") }
        }
    }

    /// The query printed the way Prometheus' `Pretty` prints it (split when longer than 100 bytes).
    func formatQuery(_ params: FormParameters) throws -> Response {
        let expr = try parsed(params["query"] ?? "")
        return PrometheusAPI.success { $0.string(expr.prettified) }
    }

    /// Validates like Prometheus; Petrel stores no exemplars, so the answer is `[]` (or `null`
    /// when the query selects no series at all, as Prometheus answers then).
    func queryExemplars(_ params: FormParameters) throws -> Response {
        let start = try PrometheusAPI.time(params["start"], name: "start", default: PrometheusAPI.minTime)
        let end = try PrometheusAPI.time(params["end"], name: "end", default: PrometheusAPI.maxTime)
        if end < start {
            throw PrometheusAPI.Failure(kind: .badData, message: "end timestamp must not be before start timestamp")
        }
        let expr: Expr
        do {
            expr = try Parser.parse(params["query"] ?? "")
        } catch {
            throw PrometheusAPI.Failure(kind: .badData, message: error.message)
        }
        return PrometheusAPI.success { $0.raw(Self.selectsSeries(expr) ? "[]" : "null") }
    }

    /// Metric metadata (type, help, unit) in Prometheus' shape
    /// `{"family":[{"type":…,"help":…,"unit":…}]}`: what remote-write senders
    /// reported (see `MetricMetadataStore`); `metric` and `limit` as Prometheus reads them.
    func metadata(_ params: FormParameters) throws -> Response {
        var limit: Int?
        if let text = params["limit"], !text.isEmpty {
            guard let value = Int(text) else { throw PrometheusAPI.Failure(kind: .badData, message: "limit must be a number") }
            limit = value
        }
        let entries = components.metricMetadata.entries(metric: params["metric"], limit: limit)
        return PrometheusAPI.success { json in
            json.raw("{")
            for (i, item) in entries.enumerated() {
                if i > 0 { json.raw(",") }
                json.string(item.family)
                json.raw(":[{\"type\":")
                json.string(item.entry.type)
                json.raw(",\"help\":")
                json.string(item.entry.help)
                json.raw(",\"unit\":")
                json.string(item.entry.unit)
                json.raw("}]")
            }
            json.raw("}")
        }
    }

    func config() -> Response {
        let yaml = "global:\n  scrape_interval: 1m\n  scrape_timeout: 10s\n  evaluation_interval: 1m\n"
        return PrometheusAPI.success { json in
            json.raw("{\"yaml\":")
            json.string(yaml)
            json.raw("}")
        }
    }

    /// The settings that Prometheus exposes as command-line flags, named like its flags.
    func flags() -> Response {
        let c = components.config
        let options = components.engine.options
        let timeoutMs = options.timeout.components.seconds * 1000
            + options.timeout.components.attoseconds / 1_000_000_000_000_000
        let pairs: [(String, String)] = [
            ("query.lookback-delta", PromDuration.format(options.lookbackDelta)),
            ("query.max-concurrency", "20"),
            ("query.max-samples", String(options.maxSamples)),
            ("query.timeout", PromDuration.format(timeoutMs)),
            ("storage.tsdb.path", c.dataDir + "/tsdb"),
            ("storage.tsdb.retention.time", PromDuration.format(c.tsdb.retention)),
            ("web.listen-address", c.httpAddress.description),
        ]
        return PrometheusAPI.success { json in
            json.raw("{")
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { json.raw(",") }
                json.string(k)
                json.raw(":")
                json.string(v)
            }
            json.raw("}")
        }
    }

    func runtimeInfo() -> Response {
        let c = components.config
        return PrometheusAPI.success { json in
            json.raw("{\"startTime\":")
            json.string(Self.rfc3339(Self.startedAtMs))
            json.raw(",\"CWD\":")
            json.string(FileManager.default.currentDirectoryPath)
            json.raw(",\"reloadConfigSuccess\":true,\"lastConfigTime\":")
            json.string(Self.rfc3339(Self.startedAtMs))
            json.raw(",\"corruptionCount\":0,\"goroutineCount\":0,")
            json.raw("\"GOMAXPROCS\":\(ProcessInfo.processInfo.activeProcessorCount),\"GOGC\":\"\",\"GODEBUG\":\"\",")
            json.raw("\"storageRetention\":")
            json.string(PromDuration.format(c.tsdb.retention))
            json.raw("}")
        }
    }

    /// Cardinality statistics as Prometheus' TSDB status page shows them (top 10 of each).
    func tsdbStatus() throws -> Response {
        let stats = components.tsdb.stats
        let minTime = stats.minTime ?? 0, maxTime = stats.maxTime ?? 0
        let all = components.tsdb.querier(mint: minTime, maxt: maxTime)
            .series([try LabelMatcher(.notEqual, Labels.metricName, "")])
        let cardinality = Cardinality(all)
        return PrometheusAPI.success { json in
            json.raw("{\"headStats\":{\"numSeries\":\(all.count),\"numLabelPairs\":\(cardinality.pairs.count),")
            json.raw("\"chunkCount\":\(stats.headChunks),\"minTime\":\(minTime),\"maxTime\":\(maxTime)},")
            json.raw("\"seriesCountByMetricName\":")
            Self.top(cardinality.seriesByMetric, into: &json)
            json.raw(",\"labelValueCountByLabelName\":")
            Self.top(cardinality.valuesByName, into: &json)
            json.raw(",\"memoryInBytesByLabelName\":")
            Self.top(cardinality.bytesByName, into: &json)
            json.raw(",\"seriesCountByLabelValuePair\":")
            Self.top(cardinality.pairs, into: &json)
            json.raw("}")
        }
    }

    /// `[{"name":..,"value":..}]` of the 10 largest counts, largest first (ties by name).
    static func top(_ counts: [String: Int], into json: inout JSONWriter) {
        let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
        json.raw("[")
        for (i, (name, value)) in sorted.enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{\"name\":")
            json.string(name)
            json.raw(",\"value\":\(value)}")
        }
        json.raw("]")
    }

    func parsed(_ query: String) throws -> Expr {
        do {
            return try Parser.parse(query)
        } catch {
            throw PrometheusAPI.Failure(kind: .badData, message: "invalid parameter \"query\": \(error.message)")
        }
    }

    /// Whether the expression reads any series (Prometheus' `ExtractSelectors` is non-empty).
    static func selectsSeries(_ expr: Expr) -> Bool {
        switch expr {
        case .number, .string: return false
        case .vectorSelector, .matrixSelector: return true
        case .subquery(let s): return selectsSeries(s.expr)
        case .paren(let p): return selectsSeries(p.expr)
        case .unary(let u): return selectsSeries(u.expr)
        case .binary(let b): return selectsSeries(b.lhs) || selectsSeries(b.rhs)
        case .aggregate(let a): return selectsSeries(a.expr) || (a.param.map(selectsSeries) ?? false)
        case .call(let c): return c.args.contains(where: selectsSeries)
        }
    }

    static func rfc3339(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// Per-label counts over a set of series, the numbers behind `status/tsdb`.
struct Cardinality {
    var seriesByMetric: [String: Int] = [:]
    var valuesByName: [String: Int] = [:]
    var bytesByName: [String: Int] = [:]
    var pairs: [String: Int] = [:]

    init(_ series: [Labels]) {
        for labels in series {
            for label in labels {
                pairs["\(label.name)=\(label.value)", default: 0] += 1
                bytesByName[label.name, default: 0] += label.value.utf8.count
                if label.name == "__name__" { seriesByMetric[label.value, default: 0] += 1 }
            }
        }
        for pair in pairs.keys {
            let name = String(pair[..<pair.firstIndex(of: "=")!])
            valuesByName[name, default: 0] += 1
        }
    }
}
