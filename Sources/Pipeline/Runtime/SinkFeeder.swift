import Logging
import PetrelCore
import LogStorage

/// Feeds every partition of a sink's input topics to the sink: one
/// `SinkConsumer` per partition, including partitions added to a topic while
/// the sink runs (Kafka CreatePartitions from an admin client). The topics'
/// partition counts are checked every `pollInterval`; a new partition is read
/// from the sink group's committed offset, or from its start.
struct SinkFeeder: Sendable {
    /// One input edge: the producing component and the topic it writes.
    struct Input: Sendable {
        let component: String
        let topic: Topic
    }

    let sink: any Sink
    let inputs: [Input]
    let topics: TopicStore
    let group: String
    let metrics: ComponentMetrics
    let lag: LagBoard
    let logger: Logger
    /// How often the inputs' partition counts are checked for growth.
    var pollInterval: Duration = .seconds(1)

    /// Runs the consumers until the task is cancelled; they stop with it.
    func run() async {
        await withDiscardingTaskGroup { tasks in
            // Per input (by position): how many partitions already have a consumer.
            var fed = [Int](repeating: 0, count: inputs.count)
            while !Task.isCancelled {
                for (index, input) in inputs.enumerated() {
                    let partitions = input.topic.partitions
                    guard partitions.count > fed[index] else { continue }
                    if fed[index] > 0 {
                        logger.info("sink input gained partitions", metadata: [
                            "topic": "\(input.topic.name)", "from": "\(fed[index])", "to": "\(partitions.count)"])
                    }
                    for partition in partitions[fed[index]...] {
                        let consumer = makeConsumer(input, partition)
                        tasks.addTask { await consumer.run() }
                    }
                    fed[index] = partitions.count
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    private func makeConsumer(_ input: Input, _ partition: PartitionLog) -> SinkConsumer {
        SinkConsumer(sink: sink, input: SinkInput(component: input.component, topic: input.topic.name, partition: partition.partition),
                     partition: partition, topics: topics, group: group, metrics: metrics, lag: lag, logger: logger)
    }
}
