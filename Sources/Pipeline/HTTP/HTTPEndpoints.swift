import Synchronization

/// Which pipeline component, if any, receives the writes of Petrel's own
/// HTTP ingest routes. An `influx` or `prometheus_remote_write` source
/// registers itself while it runs; the routes ask here and write to that
/// component's topic (counted in its metrics), or to the metrics topic as
/// before when no component claims the route.
public final class HTTPEndpoints: Sendable {
    /// The route families a component can claim.
    public enum Kind: String, Sendable, CaseIterable {
        /// `/write` and `/api/v2/write` (InfluxDB line protocol).
        case influxWrite = "influx"
        /// `/api/v1/write` (Prometheus remote write).
        case remoteWrite = "prometheus_remote_write"
    }

    /// A claiming component: where its writes go.
    public struct Endpoint: Sendable {
        public let component: String
        public let output: SourceOutput
    }

    private let claims = Mutex<[Kind: Endpoint]>([:])

    public init() {}

    /// Routes `kind` to `output` (the last component to claim a kind wins).
    public func claim(_ kind: Kind, component: String, output: SourceOutput) {
        claims.withLock { $0[kind] = Endpoint(component: component, output: output) }
    }

    /// Gives `kind` back, if `component` still holds it.
    public func release(_ kind: Kind, component: String) {
        claims.withLock { if $0[kind]?.component == component { $0[kind] = nil } }
    }

    /// The component writes of `kind` go to now, or nil for the default metrics topic.
    public func endpoint(_ kind: Kind) -> Endpoint? {
        claims.withLock { $0[kind] }
    }
}
