import Codecs
import Logging
import PetrelCore
import Synchronization

/// The running `prometheus_scrape` source: one scrape loop per target, in a
/// task group; the discovery loop adds loops for new targets and retires
/// loops whose target left (they mark their series stale on the way out).
struct PrometheusScrapeSource: Source {
    let config: PrometheusScrapeConfig
    let job: String
    let authorization: String?
    let timeSource: any TimeSource
    let metrics: ComponentMetrics
    let logger: Logger

    /// The `Accept` header Prometheus 2.x sends: OpenMetrics preferred, text 0.0.4 accepted.
    static let accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    init(config: PrometheusScrapeConfig, job: String, authorization: String?, timeSource: any TimeSource,
         metrics: ComponentMetrics, logger: Logger) {
        self.config = config
        self.job = job
        self.authorization = authorization
        self.timeSource = timeSource
        self.metrics = metrics
        self.logger = logger
    }

    func run(_ output: SourceOutput) async throws {
        // Each running loop's generation: a loop ends when its target's entry
        // is gone or belongs to a newer loop (the target left and came back).
        let active = SharedState<[ScrapeTarget: Int]>([:])
        var discovery = TargetDiscovery(config: config, job: job)
        var generation = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            while !Task.isCancelled {
                var problems: [String] = []
                let now = Set(discovery.targets(problems: &problems))
                for problem in problems {
                    metrics.error(problem)
                    logger.warning("scrape target discovery", metadata: ["problem": "\(problem)"])
                }
                generation += 1
                let fresh = active.value.withLock { running in
                    let fresh = now.filter { running[$0] == nil }
                    running = running.filter { now.contains($0.key) }
                    for target in fresh { running[target] = generation }
                    return fresh
                }
                for target in fresh {
                    let mine = generation
                    group.addTask { try await self.scrapeLoop(target, output: output) { active.value.withLock { $0[target] == mine } } }
                }
                if config.fileSD.isEmpty {
                    try await group.waitForAll()
                    return
                }
                try await Task.sleep(for: .milliseconds(config.refreshIntervalMs))
            }
        }
    }

    /// Scrapes `target` every interval until `current()` is false or the task is cancelled.
    func scrapeLoop(_ target: ScrapeTarget, output: SourceOutput, current: @escaping @Sendable () -> Bool) async throws {
        var loop = ScrapeLoop(target: target, options: .init(honorLabels: config.honorLabels, honorTimestamps: config.honorTimestamps,
                                                                  sampleLimit: config.sampleLimit),
                              relabel: config.relabel)
        var client = HTTPClient(host: target.host, port: target.port, timeout: .milliseconds(config.timeoutMs))
        client.maxBodyBytes = config.bodySizeLimit
        client.userAgent = "Petrel/prometheus_scrape"
        var headers = [("Accept", Self.accept), ("Accept-Encoding", "gzip"),
                       ("X-Prometheus-Scrape-Timeout-Seconds", String(Double(config.timeoutMs) / 1000))]
        if let authorization { headers.append(("Authorization", authorization)) }
        let clock = ContinuousClock()
        var next = clock.now
        while !Task.isCancelled && current() {
            let startMs = timeSource.nowNanos() / 1_000_000
            let started = clock.now
            let answer = await scrape(client, target, headers: headers)
            let seconds = Self.seconds(clock.now - started)
            let result: ScrapeLoop.Result
            switch answer {
            case .success(let (body, openMetrics)):
                result = loop.succeeded(body: body, openMetrics: openMetrics, timestamp: startMs, durationSeconds: seconds)
                metrics.received(events: result.scraped, bytes: body.count)
                if let error = result.parse.firstError {
                    metrics.error("\(target.url): \(error.description)", count: result.parse.rejected)
                    metrics.discarded(result.parse.rejected)
                }
                if result.exceededSampleLimit {
                    metrics.error("scrape of \(target.url) failed: \(result.kept) samples exceed sample_limit \(config.sampleLimit)")
                    metrics.discarded(result.kept)
                }
            case .failure(let message):
                metrics.error("scrape of \(target.url) failed: \(message)")
                logger.debug("scrape failed", metadata: ["target": "\(target.url)", "error": "\(message)"])
                result = loop.failed(timestamp: startMs, durationSeconds: seconds)
            }
            try await output.sendPrometheusText(result.text, timestampMillis: startMs, events: result.written)
            next = next.advanced(by: .milliseconds(config.intervalMs))
            if next < clock.now { next = clock.now.advanced(by: .milliseconds(config.intervalMs)) }
            do {
                try await Task.sleep(until: next, clock: clock)
            } catch {
                break
            }
        }
        // Stopped or retired: the target's series end here. Writing may fail if
        // the pipeline is shutting down; the series then simply age out.
        let result = loop.stopped(timestamp: timeSource.nowNanos() / 1_000_000)
        try? await output.sendPrometheusText(result.text, timestampMillis: timeSource.nowNanos() / 1_000_000, events: result.written)
    }

    /// One GET: the (decompressed) body and whether it is OpenMetrics, or why not.
    func scrape(_ client: HTTPClient, _ target: ScrapeTarget, headers: [(String, String)]) async -> Swift.Result<([UInt8], Bool), ScrapeFailure> {
        let response: HTTPClient.Response
        do {
            response = try await client.get(target.path, headers: headers)
        } catch {
            return .failure(ScrapeFailure(error.message))
        }
        guard response.status == 200 else {
            return .failure(ScrapeFailure("server returned HTTP status \(response.status)"))
        }
        var body = response.body
        if response.header("Content-Encoding")?.lowercased() == "gzip" {
            do {
                body = try Zlib.decompress(body, format: .gzip, limit: config.bodySizeLimit)
            } catch {
                return .failure(ScrapeFailure("cannot decompress the gzip answer: \(error)"))
            }
        }
        let openMetrics = response.header("Content-Type")?.lowercased().hasPrefix("application/openmetrics-text") ?? false
        return .success((body, openMetrics))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A value several tasks of one source share (a `Mutex` cannot be captured by a child task).
final class SharedState<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ initial: Value) { value = Mutex(initial) }
}

/// Why one scrape produced no samples.
struct ScrapeFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension SourceOutput {
    /// Appends a batch of Prometheus text lines (explicit timestamps) as one
    /// metrics record in the `prometheus` format; `events` is its sample count.
    func sendPrometheusText(_ text: [UInt8], timestampMillis: Int64, events: Int) async throws {
        guard !text.isEmpty else { return }
        let record = Record(timestamp: timestampMillis, value: text, headers: [
            RecordHeader(key: MetricsRecord.Header.format, value: Array(MetricsRecord.Format.prometheus.rawValue.utf8)),
        ])
        _ = try await topic.partitions[0].append([record])
        metrics.sent(events: events, bytes: text.count)
    }
}
