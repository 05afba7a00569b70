/// The three roles in the pipeline graph (Vector's model): sources produce
/// events, transforms turn input events into output events, sinks consume.
public enum ComponentKind: String, Sendable, CaseIterable, Codable {
    case source
    case transform
    case sink

    /// The top-level key of petrel.yaml that lists components of this kind.
    public var section: String { rawValue + "s" }
}

/// A socket a component listens on; two components (or a component and
/// Petrel's own HTTP or Kafka listener) may not share one.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable { case tcp, udp }

    public var transport: Transport
    public var host: String
    public var port: Int

    public init(_ transport: Transport, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// Whether both bind the same port of the same transport on overlapping hosts.
    public func clashes(with other: ListenAddress) -> Bool {
        guard transport == other.transport, port == other.port, port != 0 else { return false }
        let wildcard: Set<String> = ["0.0.0.0", "::", ""]
        return host == other.host || wildcard.contains(host) || wildcard.contains(other.host)
    }

    public var description: String { "\(transport.rawValue) \(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
