import PetrelCore
import LogStorage

/// `type: tsdb`: makes its inputs' metric records queryable. The metrics
/// topic is the TSDB's write-ahead log, so the sink appends each record to
/// it as it is; the TSDB consumes that topic and checkpoints its offset with
/// its own flushed state.
public struct TSDBSinkConfig: SinkConfig {
    public static let type = "tsdb"

    public init(_ section: inout ConfigSection) throws {}

    public func build(_ context: ComponentContext) throws -> any Sink {
        TSDBSink(topic: try context.topics.topicOrCreate(context.environment.metricsTopic))
    }
}

struct TSDBSink: Sink {
    let topic: Topic

    func write(_ records: [Record], from input: SinkInput) async throws {
        _ = try await topic.partitions[0].append(records)
    }
}
