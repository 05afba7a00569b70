import PetrelCore
import LogStorage

/// `type: topic`: copies its inputs' records into the topic named by
/// `topic:` (created with the store's defaults when missing), so Kafka
/// consumers or other pipelines can read them. A keyed record goes to the
/// partition of its key's hash; an unkeyed one keeps its input partition
/// number (modulo the partition count), so per-partition order is kept.
public struct TopicSinkConfig: SinkConfig {
    public static let type = "topic"
    /// The destination topic.
    public let topic: String

    public init(_ section: inout ConfigSection) throws {
        guard let topic = try section.string("topic") else {
            throw section.error("topic", "missing: a topic sink names the topic it writes")
        }
        if let problem = PipelineConfig.idProblem(topic) { throw section.error("topic", problem) }
        self.topic = topic
    }

    public func build(_ context: ComponentContext) throws -> any Sink {
        TopicSink(topic: try context.topics.topicOrCreate(topic))
    }
}

struct TopicSink: Sink {
    let topic: Topic

    func write(_ records: [Record], from input: SinkInput) async throws {
        let partitions = topic.partitions
        if partitions.count == 1 {
            _ = try await partitions[0].append(records)
            return
        }
        var groups = [[Record]](repeating: [], count: partitions.count)
        for record in records {
            let p = record.key.map { SourceOutput.partition(ofKey: $0, count: partitions.count) }
                ?? input.partition % partitions.count
            groups[p].append(record)
        }
        for (p, group) in groups.enumerated() where !group.isEmpty {
            _ = try await partitions[p].append(group)
        }
    }
}
