import Synchronization

/// Which pipeline component, if any, receives the writes of Petrel's own
/// HTTP ingest routes. An `influx` or `prometheus_remote_write` source
/// registers itself while it runs; the routes ask here and write to that
/// component's topic (counted in its metrics), or to the metrics topic as
/// before when no component claims the write.
///
/// Several `influx` sources can share the write routes by database: each
/// names the databases (v1 `db`, v2 `bucket`) it takes, and at most one
/// names none and takes every database the others do not.
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
        /// The databases it takes; empty for every database no other claim names.
        public let databases: Set<String>
        public let output: SourceOutput
    }

    private let claims = Mutex<[Kind: [Endpoint]]>([:])

    public init() {}

    /// Routes writes of `kind` for `databases` (every unclaimed one when
    /// empty) to `output`, replacing an earlier claim of `component`. A later
    /// claim of the same database wins (validation keeps configs from doing that).
    public func claim(_ kind: Kind, component: String, databases: Set<String> = [], output: SourceOutput) {
        claims.withLock { claims in
            var list = claims[kind, default: []].filter { $0.component != component }
            list.insert(Endpoint(component: component, databases: databases, output: output), at: 0)
            claims[kind] = list
        }
    }

    /// Gives up `component`'s claim on `kind`, if it still has one.
    public func release(_ kind: Kind, component: String) {
        claims.withLock { claims in
            claims[kind] = claims[kind]?.filter { $0.component != component }
        }
    }

    /// Whether `component` holds a claim on any route family now.
    public func holds(_ component: String) -> Bool {
        claims.withLock { $0.values.contains { $0.contains { $0.component == component } } }
    }

    /// The component a write of `kind` for `database` goes to now: the one
    /// naming that database, else the catch-all; nil for the default metrics topic.
    public func endpoint(_ kind: Kind, database: String? = nil) -> Endpoint? {
        claims.withLock { claims in
            let list = claims[kind] ?? []
            if let database, let named = list.first(where: { $0.databases.contains(database) }) { return named }
            return list.first { $0.databases.isEmpty }
        }
    }
}
