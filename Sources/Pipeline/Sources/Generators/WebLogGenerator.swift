import Foundation
import PetrelCore

/// Makes plausible nginx access-log entries, reproducible from a seed:
/// paths with Zipf-like popularity, mostly GETs, mostly 2xx with a burst of
/// 5xx for 30 s out of every 5 minutes, log-normal latencies (slower when
/// failing), a fixed pool of client addresses and user agents.
struct WebLogGenerator: Sendable {
    /// One request.
    struct Entry: Sendable, Equatable {
        var timestampMicros: Int64
        var host: String
        var clientIP: String
        var method: String
        var path: String
        var status: Int
        var bytes: Int
        var durationMs: Double
        var userAgent: String
        var referrer: String
    }

    let hosts: [String]
    private var random: SplitMix64
    private let clients: [String]
    /// Where in each 5-minute cycle the 5xx burst starts (seconds), from the seed.
    private let burstOffset: Int64

    static let paths = [
        "/", "/index.html", "/api/v1/products", "/api/v1/cart", "/static/app.js", "/static/app.css",
        "/api/v1/search", "/login", "/api/v1/orders", "/images/logo.png", "/api/v1/users/me", "/checkout",
        "/api/v1/recommendations", "/about", "/favicon.ico", "/api/v1/reviews", "/robots.txt", "/admin",
    ]
    /// 1/rank weights, cumulated: the first path is the most popular.
    static let pathWeights: [Double] = {
        var total = 0.0
        return paths.indices.map { total += 1 / Double($0 + 1); return total }
    }()
    static let methods: [(String, Double)] = [("GET", 0.80), ("POST", 0.12), ("PUT", 0.04), ("DELETE", 0.02),
                                               ("HEAD", 0.02)]
    static let userAgents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "curl/8.11.0",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "python-requests/2.32.3",
    ]

    init(hosts: [String], seed: UInt64) {
        self.hosts = hosts.isEmpty ? ["web-1"] : hosts
        random = SplitMix64(seed: seed)
        var addresses = SplitMix64(seed: seed ^ 0x5EED)
        clients = (0..<200).map { _ in
            let v = addresses.next()
            return "\(11 + v % 180).\((v >> 8) & 255).\((v >> 16) & 255).\(1 + (v >> 24) % 254)"
        }
        burstOffset = Int64(random.next() % 270)
    }

    /// Whether `timestampMicros` falls in a 5xx burst.
    func inBurst(_ timestampMicros: Int64) -> Bool {
        let second = (timestampMicros / 1_000_000 - burstOffset) % 300
        return second >= 0 && second < 30
    }

    mutating func next(timestampMicros: Int64) -> Entry {
        let path = Self.paths[pick(Self.pathWeights)]
        let method = path.hasPrefix("/api/") ? Self.methods[pick(Self.methods.map(\.1), cumulate: true)].0 : "GET"
        let roll = random.nextUnit()
        let failureRate = inBurst(timestampMicros) ? 0.15 : 0.005
        let status: Int
        if roll < failureRate {
            status = [500, 502, 503, 504][Int(random.next() % 4)]
        } else if roll < failureRate + 0.03 {
            status = 404
        } else if roll < failureRate + 0.05 {
            status = path.hasPrefix("/static/") || path.hasPrefix("/images/") ? 304 : 301
        } else {
            status = method == "POST" ? 201 : 200
        }
        // Log-normal latency around 25 ms; errors take longer (timeouts upstream).
        let median = status >= 500 ? 250.0 : (path.hasPrefix("/api/") ? 40.0 : 8.0)
        let duration = (median * exp(0.7 * random.nextGaussian()) * 1000).rounded() / 1000
        let size = status == 304 || method == "HEAD" ? 0 : Int(2000 * exp(1.0 * random.nextGaussian()))
        return Entry(timestampMicros: timestampMicros, host: hosts[Int(random.next() % UInt64(hosts.count))],
                     clientIP: clients[Int(random.next() % UInt64(clients.count))], method: method, path: path,
                     status: status, bytes: size, durationMs: duration,
                     userAgent: Self.userAgents[Int(random.next() % UInt64(Self.userAgents.count))],
                     referrer: random.next() % 3 == 0 ? "-" : "https://shop.example.com/")
    }

    /// An index drawn with the given weights (already cumulated unless `cumulate`).
    private mutating func pick(_ weights: [Double], cumulate: Bool = false) -> Int {
        var cumulative = weights
        if cumulate { for i in cumulative.indices.dropFirst() { cumulative[i] += cumulative[i - 1] } }
        let target = random.nextUnit() * cumulative[cumulative.count - 1]
        return cumulative.firstIndex { target <= $0 } ?? cumulative.count - 1
    }
}

extension WebLogGenerator.Entry {
    /// The nginx "combined" log line.
    var combinedLogLine: String {
        "\(clientIP) - - [\(Self.nginxTime(timestampMicros))] \"\(method) \(path) HTTP/1.1\" \(status) \(bytes) "
            + "\"\(referrer)\" \"\(userAgent)\""
    }

    /// `22/Nov/2026:15:49:20 +0000`.
    static func nginxTime(_ micros: Int64) -> String {
        var t = time_t(micros / 1_000_000)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Int(parts.tm_mon)]
        return "\(two(parts.tm_mday))/\(month)/\(parts.tm_year + 1900):\(two(parts.tm_hour)):\(two(parts.tm_min)):"
            + "\(two(parts.tm_sec)) +0000"
    }

    /// The log event: the line as `message` plus its parts as fields.
    var event: LogEvent {
        LogEvent(timestampMicros: timestampMicros, message: combinedLogLine, sourceType: "demo_weblogs", fields: [
            ("host", .string(host)), ("method", .string(method)), ("path", .string(path)),
            ("status", .int(Int64(status))), ("bytes", .int(Int64(bytes))), ("duration_ms", .double(durationMs)),
            ("client_ip", .string(clientIP)), ("user_agent", .string(userAgent)),
        ])
    }
}
