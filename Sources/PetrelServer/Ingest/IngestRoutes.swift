import HTTPTypes
import Hummingbird
import Metrics
import PetrelCore
import Codecs

/// The InfluxDB write endpoints (`/write`, `/api/v2/write`, `/ping`) and the
/// Prometheus text import, answering as InfluxDB and VictoriaMetrics do.
struct IngestRoutes {
    let components: PetrelComponents

    /// `petrel_ingest_requests_rejected_total{reason}`.
    func rejectedRequests(_ reason: String) -> Counter {
        Counter(label: "petrel_ingest_requests_rejected_total", dimensions: [("reason", reason)])
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/write") { request, _ in try await self.write(request, v2: false) }
        router.post("/api/v2/write") { request, _ in try await self.write(request, v2: true) }
        router.get("/ping") { _, _ in Self.ping() }
        router.head("/ping") { _, _ in Self.ping() }
        router.post("/api/v1/import/prometheus") { request, _ in try await self.importPrometheus(request) }
        // InfluxDB v1 clients call /query for CREATE DATABASE; Petrel has no databases to create.
        router.post("/query") { request, _ in try await self.influxQuery(request) }
        router.get("/query") { request, _ in try await self.influxQuery(request) }
    }

    static func ping() -> Response {
        Response(status: .noContent, headers: [HTTPField.Name("X-Influxdb-Version")!: "1.8.10-petrel", HTTPField.Name("X-Influxdb-Build")!: "OSS"])
    }

    /// The setup statements v1 clients send before writing succeed (there is nothing to
    /// create); any other InfluxQL is refused with a pointer to PromQL, never an empty answer.
    func influxQuery(_ request: Request) async throws -> Response {
        let params = try await PrometheusAPI.parameters(request)
        let statement = (params["q"] ?? "").trimmingPrefix(while: { $0 == " " || $0 == "\n" || $0 == "\t" }).uppercased()
        if ["CREATE DATABASE", "CREATE RETENTION POLICY", "DROP DATABASE"].contains(where: { statement.hasPrefix($0) }) {
            return .json(Array(#"{"results":[{"statement_id":0}]}"#.utf8))
        }
        return influxError(.badRequest, "Petrel does not run InfluxQL; query with PromQL at /api/v1/query "
            + "(the field f of measurement m is the series m_f)")
    }

    func write(_ request: Request, v2: Bool) async throws -> Response {
        let params = FormParameters(encoded: Array((request.uri.query ?? "").utf8))
        let precisionText = params["precision"] ?? "ns"
        guard let precision = v2 ? Precision(v2: precisionText) : Precision(v1: precisionText) else {
            rejectedRequests("bad_precision").increment()
            return influxError(.badRequest, "invalid precision \"\(precisionText)\"; use " + (v2 ? "ns, us, ms or s" : "n, ns, u, us, ms, s, m or h"))
        }
        let body: [UInt8]
        do {
            body = try await HTTPBody.collect(request, limit: components.config.maxBodyBytes)
        } catch let failure as HTTPBody.Failure {
            rejectedRequests(failure.status == .contentTooLarge ? "too_large" : "bad_body").increment()
            return influxError(failure.status, failure.message)
        }
        let db = v2 ? params["bucket"] : params["db"]
        // An `influx` pipeline component, when configured, takes the write into its own topic.
        let endpoint = components.endpoints.endpoint(.influxWrite, database: db)
        let outcome: MetricsIngestor.Outcome
        do {
            outcome = try await components.ingestor.writeLineProtocol(body, precision: precision, db: db,
                                                                      to: endpoint?.output.topic.partitions[0])
            endpoint?.output.count(outcome, bytes: body.count)
        } catch {
            endpoint?.output.metrics.error("append failed: \(error)")
            rejectedRequests("storage").increment()
            components.logger.error("metrics append failed", metadata: ["error": "\(error)"])
            return influxError(.serviceUnavailable, "cannot store the write: \(error)")
        }
        if let message = outcome.firstError {
            rejectedRequests("parse").increment()
            let kept = outcome.accepted > 0 ? "partial write: " : ""
            return influxError(.badRequest, "\(kept)\(message) (line \(outcome.firstErrorLine ?? 0); \(outcome.rejected) of \(outcome.accepted + outcome.rejected) lines rejected)",
                               line: outcome.firstErrorLine)
        }
        return Response(status: .noContent)
    }

    func importPrometheus(_ request: Request) async throws -> Response {
        let body: [UInt8]
        do {
            body = try await HTTPBody.collect(request, limit: components.config.maxBodyBytes)
        } catch let failure as HTTPBody.Failure {
            rejectedRequests(failure.status == .contentTooLarge ? "too_large" : "bad_body").increment()
            var response = Response.text(failure.message + "\n", status: failure.status)
            if failure.status == .contentTooLarge { response.headers[.connection] = "close" }
            return response
        }
        do {
            let outcome = try await components.ingestor.importPrometheus(body)
            if let message = outcome.firstError {
                rejectedRequests("parse").increment()
                return .text("cannot parse Prometheus text: \(message)\n", status: .badRequest)
            }
        } catch {
            rejectedRequests("storage").increment()
            return .text("cannot store the import: \(error)\n", status: .serviceUnavailable)
        }
        return Response(status: .noContent)
    }

    /// InfluxDB's error body: `error` (v1 clients) plus `code`/`message` (v2 clients), and the line number.
    func influxError(_ status: HTTPResponse.Status, _ message: String, line: Int? = nil) -> Response {
        var json = JSONWriter()
        json.raw("{\"code\":")
        json.string(status == .contentTooLarge ? "request too large" : (status == .badRequest ? "invalid" : "internal error"))
        json.raw(",\"message\":")
        json.string(message)
        json.raw(",\"error\":")
        json.string(message)
        if let line { json.raw(",\"line\":\(line)") }
        json.raw("}")
        var response = Response.json(json.bytes, status: status)
        response.headers[HTTPField.Name("X-Influxdb-Error")!] = String(message.prefix(512))
        if status == .contentTooLarge {
            // The rest of an oversized body is not worth reading: answer, then close.
            response.headers[.connection] = "close"
        }
        return response
    }
}
