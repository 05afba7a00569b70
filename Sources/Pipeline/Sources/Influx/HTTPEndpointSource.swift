import PetrelCore

/// `type: influx` and `type: prometheus_remote_write`: name Petrel's own
/// HTTP ingest routes as pipeline components. While the component runs, the
/// routes (`/write` and `/api/v2/write`, or `/api/v1/write`) write to its
/// topic and count in its metrics; the routes themselves live on Petrel's
/// HTTP port. An `influx` source may name the `databases:` it takes (the v1
/// `db` / v2 `bucket` parameter), so several can split the write routes.
public struct InfluxHTTPSourceConfig: SourceConfig {
    public static let type = "influx"

    /// The databases / buckets this source takes; empty: every one no other `influx` source names.
    public let databases: [String]

    public init(_ section: inout ConfigSection) throws {
        databases = try section.strings("databases") ?? []
        if databases.contains("") { throw section.error("databases", "a database name cannot be empty") }
        if Set(databases).count < databases.count {
            throw section.error("databases", "lists a database twice; name each once")
        }
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        HTTPEndpointSource(kind: .influxWrite, id: context.id, databases: Set(databases), endpoints: context.environment.endpoints)
    }
}

/// See `InfluxHTTPSourceConfig`: the same for `/api/v1/write` (no databases there).
public struct RemoteWriteSourceConfig: SourceConfig {
    public static let type = "prometheus_remote_write"

    public init(_ section: inout ConfigSection) throws {}

    public func build(_ context: ComponentContext) throws -> any Source {
        HTTPEndpointSource(kind: .remoteWrite, id: context.id, endpoints: context.environment.endpoints)
    }
}

/// Holds the claim on an HTTP route family for as long as it runs.
struct HTTPEndpointSource: Source {
    let kind: HTTPEndpoints.Kind
    let id: String
    /// The databases claimed; empty: every one no other component names.
    let databases: Set<String>
    let endpoints: HTTPEndpoints

    init(kind: HTTPEndpoints.Kind, id: String, databases: Set<String> = [], endpoints: HTTPEndpoints) {
        self.kind = kind
        self.id = id
        self.databases = databases
        self.endpoints = endpoints
    }

    func run(_ output: SourceOutput) async throws {
        endpoints.claim(kind, component: id, databases: databases, output: output)
        defer { endpoints.release(kind, component: id) }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}

extension PipelineConfig {
    /// HTTP route claims that collide: two `influx` sources naming the same
    /// database, or two catch-alls of one route family (two `influx` sources
    /// without `databases:`, two `prometheus_remote_write` sources).
    func endpointClaimProblems() -> [ConfigError] {
        var errors: [ConfigError] = []
        var catchAll: [HTTPEndpoints.Kind: String] = [:]
        var named: [String: String] = [:]
        for component in components {
            guard case .source(let settings) = component.settings else { continue }
            let key = "\(component.kind.section).\(component.id)"
            let kind: HTTPEndpoints.Kind
            let databases: [String]
            switch settings {
            case let influx as InfluxHTTPSourceConfig: (kind, databases) = (.influxWrite, influx.databases)
            case is RemoteWriteSourceConfig: (kind, databases) = (.remoteWrite, [])
            default: continue
            }
            if databases.isEmpty {
                if let other = catchAll[kind] {
                    let hint = kind == .influxWrite ? "; give each `databases:` to split the writes" : ""
                    errors.append(ConfigError(file: file, key: key, message:
                        "takes every write of the \(kind.rawValue) HTTP routes, as \(other) already does: only one may\(hint)"))
                } else {
                    catchAll[kind] = key
                }
            }
            for database in databases {
                if let other = named[database] {
                    errors.append(ConfigError(file: file, key: key + ".databases", message:
                        "database \"\(database)\" is claimed by both \(other) and \(key)"))
                } else {
                    named[database] = key
                }
            }
        }
        return errors
    }
}
