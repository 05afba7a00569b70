import PetrelCore

/// `type: influx` and `type: prometheus_remote_write`: name Petrel's own
/// HTTP ingest routes as pipeline components. While the component runs, the
/// routes (`/write` and `/api/v2/write`, or `/api/v1/write`) write to its
/// topic and count in its metrics; the routes themselves live on Petrel's
/// HTTP port, so the component has no keys of its own.
public struct InfluxHTTPSourceConfig: SourceConfig {
    public static let type = "influx"

    public init(_ section: inout ConfigSection) throws {}

    public func build(_ context: ComponentContext) throws -> any Source {
        HTTPEndpointSource(kind: .influxWrite, id: context.id, endpoints: context.environment.endpoints)
    }
}

/// See `InfluxHTTPSourceConfig`: the same for `/api/v1/write`.
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
    let endpoints: HTTPEndpoints

    func run(_ output: SourceOutput) async throws {
        endpoints.claim(kind, component: id, output: output)
        defer { endpoints.release(kind, component: id) }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
