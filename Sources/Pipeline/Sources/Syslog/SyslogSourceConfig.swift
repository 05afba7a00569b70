import Codecs
import PetrelCore

/// `type: syslog`: receives RFC 5424 and RFC 3164 messages over UDP and TCP
/// (RFC 6587 framing) and writes each as a log event. See docs/pipeline/syslog.md.
public struct SyslogSourceConfig: SourceConfig {
    public static let type = "syslog"

    /// Which transports to listen on.
    public enum Mode: String, Sendable, CaseIterable {
        case udp, tcp, both
    }

    public var host = "127.0.0.1"
    public var port = 5514
    public var mode = Mode.both
    /// The largest message (UDP datagram or TCP frame) accepted.
    public var maxMessageBytes = 64 * 1024
    public var framing = SyslogFraming.Mode.auto

    public init(_ section: inout ConfigSection) throws {
        if let text = try section.string("address") {
            guard let address = HostPort(text, emptyHost: "0.0.0.0") else {
                throw section.error("address", "expected host:port such as 127.0.0.1:5514, got \"\(text)\"")
            }
            (host, port) = (address.host, address.port)
        }
        if let text = try section.string("mode") {
            guard let mode = Mode(rawValue: text) else { throw section.error("mode", "expected udp, tcp or both") }
            self.mode = mode
        }
        if let bytes = try section.int("max_message_bytes") {
            guard bytes >= 64, bytes <= 16 << 20 else {
                throw section.error("max_message_bytes", "expected 64 to 16777216 bytes")
            }
            maxMessageBytes = bytes
        }
        if let text = try section.string("framing") {
            guard let framing = SyslogFraming.Mode(rawValue: text) else {
                throw section.error("framing", "expected auto, octet_counting or newline")
            }
            self.framing = framing
        }
    }

    public var listens: [ListenAddress] {
        var result: [ListenAddress] = []
        if mode != .tcp { result.append(ListenAddress(.udp, host: host, port: port)) }
        if mode != .udp { result.append(ListenAddress(.tcp, host: host, port: port)) }
        return result
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        SyslogSource(config: self, context: context)
    }
}
