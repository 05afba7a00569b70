import Hummingbird
import Metrics
import Prometheus
import PetrelCore
import TSDB

/// `/metrics` (Petrel's own metrics in Prometheus text format), `/health` and `/ready`.
struct OpsRoutes {
    let components: PetrelComponents
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            refreshGauges()
            var bytes: [UInt8] = []
            bytes.reserveCapacity(64 * 1024)
            registry.emit(into: &bytes)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/health") { _, _ in Response.text("ok\n") }
        router.get("/ready") { _, _ in
            components.readiness.isReady
                ? Response.text("ready\n")
                : Response.text("not ready: \(components.readiness.reason)\n", status: .serviceUnavailable)
        }
    }

    /// Gauges that are read on demand rather than pushed on every change.
    func refreshGauges() {
        let stats = components.tsdb.stats
        Gauge(label: "petrel_tsdb_series").record(Double(stats.headSeries))
        Gauge(label: "petrel_tsdb_head_samples").record(Double(stats.headSamples))
        Gauge(label: "petrel_tsdb_bytes_on_disk").record(Double(stats.bytesOnDisk))
        Gauge(label: "petrel_tsdb_blocks_loaded").record(Double(stats.blocks))
        Gauge(label: "petrel_tsdb_head_chunks_total").record(Double(stats.headChunks))
        for partition in components.metricsTopic.partitions.indices {
            let log = components.metricsTopic.partitions[partition]
            let dims = [("topic", components.metricsTopic.name), ("partition", String(partition))]
            Gauge(label: "petrel_topic_log_end_offset", dimensions: dims).record(Double(log.logEndOffset))
            Gauge(label: "petrel_topic_log_start_offset", dimensions: dims).record(Double(log.logStartOffset))
            Gauge(label: "petrel_topic_size_bytes", dimensions: dims).record(Double(log.sizeBytes))
        }
        Gauge(label: "petrel_ready").record(components.readiness.isReady ? 1 : 0)
    }
}

/// Counts requests by route, method and status, and times them.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = monotonicNanos()
        let route = context.endpointPath ?? "unmatched"
        do {
            let response = try await next(request, context)
            record(route: route, method: request.method, status: response.status.code, start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(route: route, method: request.method, status: status, start: start)
            throw error
        }
    }

    func record(route: String, method: HTTPRequest.Method, status: Int, start: UInt64) {
        Counter(label: "petrel_http_requests_total",
                dimensions: [("route", route), ("method", method.rawValue), ("status", String(status))]).increment()
        Metrics.Timer(label: "petrel_http_request_duration_seconds", dimensions: [("route", route)])
            .recordNanoseconds(Int64(monotonicNanos() - start))
    }
}
