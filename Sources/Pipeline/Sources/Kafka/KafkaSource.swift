import Dispatch
import KafkaClient
import Logging
import PetrelCore

/// The running `kafka` source: polls a consumer-group consumer in batches,
/// appends each batch to the output, then commits the group's offsets. A
/// crash between the append and the commit re-reads that batch
/// (at-least-once, never a gap).
struct KafkaSource: Source {
    let config: KafkaSourceConfig
    let properties: [String: String]
    let context: ComponentContext

    func run(_ output: SourceOutput) async throws {
        let consumer = try KafkaConsumer(config: properties, topics: config.topics)
        let worker = BlockingWorker(label: "petrel.pipeline.kafka.\(context.id)")
        defer { worker.run { try? consumer.close() } }
        context.logger.info("kafka source consuming", metadata: [
            "topics": "\(config.topics)", "group": "\(properties["group.id"] ?? "")",
            "bootstrap": "\(properties["bootstrap.servers"] ?? "")"])
        let maxBatch = config.maxBatch
        while !Task.isCancelled {
            let consumed = try await worker.call { try consumer.poll(maxRecords: maxBatch, timeout: .milliseconds(200)) }
            guard !consumed.isEmpty else { continue }
            let now = context.timeSource.nowMillis()
            var bytes = 0
            let records = consumed.map { item -> Record in
                var record = item.record
                bytes += (record.value?.count ?? 0) + (record.key?.count ?? 0)
                record.offset = 0
                if record.timestamp < 0 { record.timestamp = now }
                return record
            }
            output.metrics.received(events: records.count, bytes: bytes)
            try await output.send(records)
            try await worker.call { try consumer.commit() }
        }
    }
}
