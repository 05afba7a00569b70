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

/// Runs blocking client calls (librdkafka polls and synchronous commits) on
/// one serial dispatch queue, so no cooperative-pool thread waits on them.
final class BlockingWorker: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func call<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` and waits for it on the calling thread (for clean-up in `defer`).
    func run(_ body: @Sendable () -> Void) {
        queue.sync { body() }
    }
}
