import Hummingbird
import Metrics
import PetrelCore
import Codecs

/// `POST /api/v1/write`: Prometheus remote write (protocol 1.0), as
/// Prometheus, Grafana Agent and vmagent send it — a snappy-compressed
/// protobuf `WriteRequest`. The samples become one Prometheus-text record
/// (explicit timestamps) in the metrics topic, or in the topic of a
/// `prometheus_remote_write` pipeline component when one is configured.
/// Answers 204 once the record is durable; 400 naming the problem for a body
/// that is not snappy or not a WriteRequest; 415 for another content type or
/// encoding; 413 past `ingest.max_body_bytes`. Family metadata is kept in
/// `MetricMetadataStore` (what `/api/v1/metadata` answers) and counted
/// (`petrel_remote_write_metadata_total`); exemplars are decoded and counted
/// (`petrel_remote_write_exemplars_total`), not stored; native histograms are
/// counted as dropped (`petrel_remote_write_histograms_dropped_total`).
struct RemoteWriteRoutes {
    let components: PetrelComponents

    func register(on router: Router<BasicRequestContext>) {
        router.post("/api/v1/write") { request, _ in try await self.write(request) }
    }

    func rejected(_ reason: String) -> Counter {
        Counter(label: "petrel_ingest_requests_rejected_total", dimensions: [("reason", reason)])
    }

    /// What a request held besides float samples, counted in `/metrics`.
    static func countExtras(_ request: RemoteWriteRequest) {
        if !request.metadata.isEmpty {
            Counter(label: "petrel_remote_write_metadata_total").increment(by: request.metadata.count)
        }
        if request.exemplarCount > 0 {
            Counter(label: "petrel_remote_write_exemplars_total").increment(by: request.exemplarCount)
        }
        if request.histogramCount > 0 {
            Counter(label: "petrel_remote_write_histograms_dropped_total").increment(by: request.histogramCount)
        }
    }

    func write(_ request: Request) async throws -> Response {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/x-protobuf") {
            rejected("bad_content_type").increment()
            return .text("unsupported Content-Type \"\(type)\"; remote write sends application/x-protobuf\n", status: .unsupportedMediaType)
        }
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "snappy" {
            rejected("bad_content_type").increment()
            return .text("unsupported Content-Encoding \"\(encoding)\"; remote write sends snappy\n", status: .unsupportedMediaType)
        }
        let limit = components.config.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return tooLarge("request body of \(length) bytes exceeds the limit of \(limit) bytes (ingest.max_body_bytes)")
        }
        let compressed: [UInt8]
        do {
            var buffer = try await request.body.collect(upTo: limit)
            compressed = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return tooLarge("request body exceeds the limit of \(limit) bytes (ingest.max_body_bytes)")
        }
        let endpoint = components.endpoints.endpoint(.remoteWrite)
        let text: [UInt8]
        let samples: Int
        switch Self.decode(compressed, limit: limit) {
        case .success(let decoded):
            (text, samples) = (decoded.text, decoded.samples)
            let refused = components.metricMetadata.record(decoded.metadata)
            if refused > 0 {
                Counter(label: "petrel_remote_write_metadata_refused_total").increment(by: refused)
            }
        case .failure(let error):
            rejected("parse").increment()
            endpoint?.output.metrics.error("remote write: \(error.message)")
            return .text("\(error.message)\n", status: .badRequest)
        }
        guard samples > 0 else { return Response(status: .noContent) }
        do {
            let outcome = try await components.ingestor.importPrometheus(text, to: endpoint?.output.topic.partitions[0])
            endpoint?.output.count(outcome, bytes: compressed.count)
            if let message = outcome.firstError {
                rejected("parse").increment()
                return .text("\(message)\n", status: .badRequest)
            }
        } catch {
            rejected("storage").increment()
            endpoint?.output.metrics.error("append failed: \(error)")
            return .text("cannot store the write: \(error)\n", status: .serviceUnavailable)
        }
        return Response(status: .noContent)
    }

    /// The request as Prometheus text, its sample count and its family
    /// metadata, or why it is not a remote-write body.
    static func decode(_ compressed: [UInt8], limit: Int)
        -> Result<(text: [UInt8], samples: Int, metadata: [MetricMetadata]), CodecError> {
        do {
            // A protobuf body is at most a few times its snappy size; refuse bombs.
            let body = try SnappyBlock.decompress(compressed, maxBytes: max(limit, 1 << 20) * 8)
            let request = try RemoteWriteRequest(protobuf: body)
            let text = try request.prometheusText()
            countExtras(request)
            return .success((text, request.sampleCount, request.metadata))
        } catch {
            return .failure(error)
        }
    }

    func tooLarge(_ message: String) -> Response {
        rejected("too_large").increment()
        var response = Response.text(message + "\n", status: .contentTooLarge)
        response.headers[.connection] = "close"
        return response
    }
}
