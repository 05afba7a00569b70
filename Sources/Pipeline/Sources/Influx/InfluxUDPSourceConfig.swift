import Codecs
import PetrelCore

/// `type: influx_udp`: InfluxDB's UDP listener. Each datagram holds one or
/// more line-protocol lines; valid lines are batched into metrics records,
/// bad ones counted and reported with their line. See docs/pipeline/influx.md.
public struct InfluxUDPSourceConfig: SourceConfig {
    public static let type = "influx_udp"

    public var host = "127.0.0.1"
    /// InfluxDB 1.x's UDP default.
    public var port = 8089
    public var precision = Precision.nanoseconds
    /// How long lines wait to be batched before they are written.
    public var flushIntervalMs: Int64 = 200
    /// A batch is written once it holds this many bytes.
    public var batchBytes = 1 << 20

    public init(_ section: inout ConfigSection) throws {
        if let address = try section.string("address") {
            guard let address = HostPort(address) else {
                throw section.error("address", "expected host:port, got \"\(address)\"")
            }
            self.host = address.host
            self.port = address.port
        }
        if let text = try section.string("precision") {
            guard let precision = Precision(v1: text) else {
                throw section.error("precision", "expected n, ns, u, us, ms, s, m or h, got \"\(text)\"")
            }
            self.precision = precision
        }
        flushIntervalMs = try section.duration("flush_interval") ?? 200
        guard flushIntervalMs > 0 else { throw section.error("flush_interval", "expected a positive duration") }
        if let bytes = try section.int("batch_bytes") {
            guard (1024...(1 << 20)).contains(bytes) else { throw section.error("batch_bytes", "expected 1024 to 1048576") }
            batchBytes = bytes
        }
    }

    public var listens: [ListenAddress] { [ListenAddress(.udp, host: host, port: port)] }

    public func build(_ context: ComponentContext) throws -> any Source {
        InfluxUDPSource(config: self, timeSource: context.timeSource, metrics: context.metrics)
    }
}
