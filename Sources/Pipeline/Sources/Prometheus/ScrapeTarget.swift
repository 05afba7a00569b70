import PetrelCore

/// One endpoint a scrape source polls, with the labels its series get.
public struct ScrapeTarget: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// Path and query string, starting with `/`.
    public var path: String
    /// `job`, `instance` and any extra labels (static or from file SD).
    public var labels: Labels

    public init(host: String, port: Int, path: String, labels: Labels) {
        self.host = host
        self.port = port
        self.path = path
        self.labels = labels
    }

    /// `http://host:port/path`, for messages.
    public var url: String { "http://\(HostPort(host: host, port: port).description)\(path)" }

    /// Reads `address` — `host:port`, or a URL `http://host:port/path` — into a
    /// target with `job`, `instance` (= host:port, as Prometheus sets it) and
    /// `extra` labels. Returns a message naming the problem when it is bad.
    public static func parse(_ address: String, scheme: String, metricsPath: String, job: String,
                             extra: [String: String]) -> Result<ScrapeTarget, ScrapeTargetProblem> {
        var text = Substring(address)
        var path = metricsPath
        if let range = text.range(of: "://") {
            let given = text[..<range.lowerBound].lowercased()
            guard given == "http" else {
                return .failure(ScrapeTargetProblem(message: "\(given) targets are not supported (plain http only): \(address)"))
            }
            text = text[range.upperBound...]
            if let slash = text.firstIndex(of: "/") {
                path = String(text[slash...])
                text = text[..<slash]
            }
        } else if scheme != "http" {
            return .failure(ScrapeTargetProblem(message: "scheme \(scheme) is not supported (plain http only)"))
        }
        var hostPort = String(text)
        if !hostPort.contains(":") || hostPort.hasSuffix("]") { hostPort += ":80" }
        guard let parsed = HostPort(hostPort), parsed.port > 0 else {
            return .failure(ScrapeTargetProblem(message: "expected host:port or http://host:port/path, got \"\(address)\""))
        }
        let (host, port) = (parsed.host, parsed.port)
        if !path.hasPrefix("/") { path = "/" + path }
        var pairs = [Label("job", job), Label("instance", HostPort(host: host, port: port).description)]
        for (name, value) in extra where name != "job" && name != "instance" { pairs.append(Label(name, value)) }
        if let instance = extra["instance"] { pairs[1] = Label("instance", instance) }
        if let job = extra["job"] { pairs[0] = Label("job", job) }
        return .success(ScrapeTarget(host: host, port: port, path: path, labels: Labels(pairs.filter { !$0.value.isEmpty })))
    }
}

/// Why a target address could not be used.
public struct ScrapeTargetProblem: Error, Sendable {
    public var message: String
}
