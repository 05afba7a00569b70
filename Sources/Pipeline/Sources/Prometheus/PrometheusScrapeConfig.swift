import Foundation
import PetrelCore

/// `type: prometheus_scrape`: polls Prometheus exporters (text format 0.0.4
/// or OpenMetrics) and writes each scrape as one Prometheus-text metrics
/// record, with `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
/// `scrape_samples_post_metric_relabeling` and `scrape_series_added` as
/// Prometheus records them, and stale markers for series that disappear.
/// See docs/pipeline/prometheus.md.
public struct PrometheusScrapeConfig: SourceConfig {
    public static let type = "prometheus_scrape"

    /// Static target addresses as written.
    public var targets: [String] = []
    /// File-SD files (`[{targets: [...], labels: {...}}]`, JSON).
    public var fileSD: [String] = []
    public var job: String?
    public var scheme = "http"
    public var metricsPath = "/metrics"
    /// 15 s (Prometheus' own default is 1 m; 15 s is what most setups pick).
    public var intervalMs: Int64 = 15_000
    public var timeoutMs: Int64 = 10_000
    public var refreshIntervalMs: Int64 = 30_000
    public var honorLabels = false
    public var honorTimestamps = true
    public var relabel: [RelabelRule] = []
    public var labels: [String: String] = [:]
    /// The value of the `Authorization` header, if any (built at build time
    /// when it comes from a file, so a rotated token is read on restart).
    public var basicAuth: (username: String, password: String?, passwordFile: String?)?
    public var bearerToken: String?
    public var bearerTokenFile: String?
    /// The largest (uncompressed) answer accepted.
    public var bodySizeLimit = 64 << 20
    /// Most samples one scrape may keep after metric relabelling; a scrape
    /// with more fails as a whole (`up` 0), as Prometheus' `sample_limit`. 0: no limit.
    public var sampleLimit = 0

    public init(_ section: inout ConfigSection) throws {
        targets = try section.strings("targets") ?? []
        fileSD = try section.strings("file_sd") ?? []
        guard !targets.isEmpty || !fileSD.isEmpty else {
            throw section.error("targets", "give at least one target (host:port or http://host:port/path) or a file_sd file")
        }
        job = try section.string("job")
        if let scheme = try section.string("scheme") {
            guard scheme == "http" else { throw section.error("scheme", "only http is supported, got \"\(scheme)\"") }
            self.scheme = scheme
        }
        if let path = try section.string("metrics_path") {
            guard path.hasPrefix("/") else { throw section.error("metrics_path", "expected a path starting with /") }
            metricsPath = path
        }
        intervalMs = try section.duration("interval") ?? 15_000
        guard intervalMs >= 100 else { throw section.error("interval", "expected at least 100ms") }
        timeoutMs = try section.duration("timeout") ?? min(10_000, intervalMs)
        guard timeoutMs > 0, timeoutMs <= intervalMs else {
            throw section.error("timeout", "must be positive and at most the interval (\(DurationText.format(millis: intervalMs)))")
        }
        refreshIntervalMs = try section.duration("refresh_interval") ?? 30_000
        guard refreshIntervalMs >= 100 else { throw section.error("refresh_interval", "expected at least 100ms") }
        honorLabels = try section.bool("honor_labels") ?? false
        honorTimestamps = try section.bool("honor_timestamps") ?? true
        labels = try section.stringMap("labels") ?? [:]
        for name in labels.keys where !Self.isLabelName(name) {
            throw section.error("labels.\(name)", "invalid label name")
        }
        if var rules = try section.sections("metric_relabel_configs") {
            for index in rules.indices {
                relabel.append(try RelabelRule(&rules[index]))
                try rules[index].finish()
            }
        }
        if var auth = try section.section("basic_auth") {
            guard let user = try auth.string("username") else { throw auth.error("username", "basic_auth needs a username") }
            let password = try auth.string("password")
            let file = try auth.string("password_file")
            if password != nil && file != nil { throw auth.error("password_file", "give password or password_file, not both") }
            basicAuth = (user, password, file)
            try auth.finish()
        }
        bearerToken = try section.string("bearer_token")
        bearerTokenFile = try section.string("bearer_token_file")
        if bearerToken != nil && bearerTokenFile != nil {
            throw section.error("bearer_token_file", "give bearer_token or bearer_token_file, not both")
        }
        if basicAuth != nil && (bearerToken != nil || bearerTokenFile != nil) {
            throw section.error("bearer_token", "give basic_auth or a bearer token, not both")
        }
        if let limit = try section.int("body_size_limit") {
            guard limit > 0 else { throw section.error("body_size_limit", "expected a positive number of bytes") }
            bodySizeLimit = limit
        }
        if let limit = try section.int("sample_limit") {
            guard limit >= 0 else { throw section.error("sample_limit", "expected a number of samples, 0 for no limit") }
            sampleLimit = limit
        }
        // Check static targets now so a typo is a config error, not a failing scrape.
        for (index, address) in targets.enumerated() {
            if case .failure(let problem) = ScrapeTarget.parse(address, scheme: scheme, metricsPath: metricsPath,
                                                              job: "x", extra: [:]) {
                throw section.error("targets[\(index)]", problem.message)
            }
        }
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        let authorization = try authorizationHeader(stateDirectory: context.stateDirectory)
        return PrometheusScrapeSource(config: self, job: job ?? context.id, authorization: authorization,
                                      timeSource: context.timeSource, metrics: context.metrics, logger: context.logger)
    }

    /// `Basic …` or `Bearer …`, reading password and token files now.
    func authorizationHeader(stateDirectory: String) throws -> String? {
        func read(_ path: String, _ key: String) throws -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PipelineError(.startFailed, "prometheus_scrape: cannot read \(key) \(path)")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let auth = basicAuth {
            let password = try auth.passwordFile.map { try read($0, "password_file") } ?? auth.password ?? ""
            return "Basic " + Data("\(auth.username):\(password)".utf8).base64EncodedString()
        }
        if let token = bearerToken { return "Bearer " + token }
        if let file = bearerTokenFile { return "Bearer " + (try read(file, "bearer_token_file")) }
        return nil
    }
}
