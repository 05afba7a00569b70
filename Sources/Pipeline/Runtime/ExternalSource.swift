import PetrelCore

/// `type: external`: a topic written from outside the pipeline — Kafka
/// producers, `petrel produce`, HTTP metric ingest (the `metrics` topic) — named
/// as a component so sinks can take it as an input. It runs nothing and
/// counts nothing; `topic:` names the topic (default: the id).
public struct ExternalSourceConfig: SourceConfig {
    public static let type = "external"

    public init(_ section: inout ConfigSection) throws {}

    public func build(_ context: ComponentContext) throws -> any Source { ExternalSource() }
}

struct ExternalSource: Source {
    func run(_ output: SourceOutput) async throws {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }
}
