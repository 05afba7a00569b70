import PetrelCore

/// `type: statsd`: a StatsD / DogStatsD server (UDP, TCP or both on one
/// port) that aggregates what it receives per `flush_interval` and writes one
/// line protocol batch per flush, named as Telegraf's statsd input names it.
public struct StatsDSourceConfig: SourceConfig {
    public static let type = "statsd"

    public enum TransportChoice: String, Sendable { case udp, tcp, both }

    public var host = "127.0.0.1"
    public var port = 8125
    public var transport = TransportChoice.udp
    public var flushIntervalMillis: Int64 = 10_000
    /// Largest datagram read whole, and the longest TCP line.
    public var maxPacketBytes = 8192
    /// SO_RCVBUF asked for the UDP socket (packets wait here while a flush runs).
    public var readBufferBytes = 8 << 20
    var settings = StatsDSettings()

    public init(_ section: inout ConfigSection) throws {
        if let address = try section.string("address") {
            guard let address = HostPort(address, emptyHost: "0.0.0.0") else {
                throw section.error("address", "expected host:port such as 127.0.0.1:8125, got \"\(address)\"")
            }
            self.host = address.host
            self.port = address.port
        }
        if let text = try section.string("protocol") {
            guard let choice = TransportChoice(rawValue: text) else {
                throw section.error("protocol", "expected udp, tcp or both, got \"\(text)\"")
            }
            transport = choice
        }
        if let ms = try section.duration("flush_interval") {
            guard ms >= 10 else { throw section.error("flush_interval", "must be at least 10ms") }
            flushIntervalMillis = ms
        }
        if let list = section.take("percentiles") {
            guard let values = list as? [Any] else { throw section.error("percentiles", "expected a list of numbers in (0, 100]") }
            settings.percentiles = try values.map { v in
                let p = (v as? Double) ?? (v as? Int).map(Double.init) ?? (v as? String).flatMap(Double.init)
                guard let p, p > 0, p <= 100 else {
                    throw section.error("percentiles", "expected numbers in (0, 100], got \(v)")
                }
                return p
            }
        }
        if let v = try section.bool("delete_counters") { settings.deleteCounters = v }
        if let v = try section.bool("delete_gauges") { settings.deleteGauges = v }
        if let v = try section.bool("delete_sets") { settings.deleteSets = v }
        if let v = try section.bool("delete_timings") { settings.deleteTimings = v }
        if let v = try section.string("metric_separator") { settings.separator = v }
        if let v = try section.stringMap("tags") { settings.tags = v }
        settings.maxSeries = try Self.positive(&section, "max_series") ?? settings.maxSeries
        settings.percentileLimit = try Self.positive(&section, "percentile_limit") ?? settings.percentileLimit
        maxPacketBytes = try Self.positive(&section, "max_packet_bytes") ?? maxPacketBytes
        readBufferBytes = try Self.positive(&section, "read_buffer_bytes") ?? readBufferBytes
    }

    public var listens: [ListenAddress] {
        switch transport {
        case .udp: [ListenAddress(.udp, host: host, port: port)]
        case .tcp: [ListenAddress(.tcp, host: host, port: port)]
        case .both: [ListenAddress(.udp, host: host, port: port), ListenAddress(.tcp, host: host, port: port)]
        }
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        StatsDSource(config: self, ingest: StatsDIngest(settings: settings, metrics: context.metrics),
                     timeSource: context.timeSource, logger: context.logger, metrics: context.metrics)
    }

    private static func positive(_ section: inout ConfigSection, _ key: String) throws -> Int? {
        guard let v = try section.int(key) else { return nil }
        guard v > 0 else { throw section.error(key, "must be a positive number") }
        return v
    }
}
