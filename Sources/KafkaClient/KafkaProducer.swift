import CRdKafka
import PetrelCore
import Synchronization

/// Sends records to Kafka topics through librdkafka: batching, retries,
/// compression and partitioning are librdkafka's; delivery reports are served
/// by a dedicated poll thread.
///
/// `send` waits for the broker's acknowledgement of one record; `enqueue` hands
/// a record over and returns at once, for throughput, with the outcome counted
/// in `deliveries` and awaited by `flush`. Call `close` when done: it flushes
/// and frees the client.
public final class KafkaProducer: Sendable {
    /// Where an acknowledged record landed.
    public struct DeliveryReport: Sendable, Hashable {
        public var partition: Int32
        public var offset: Int64
    }

    let handle: KafkaHandle
    private let poller: PollLoop
    private let closed = Atomic<Bool>(false)

    /// Creates a producer from librdkafka properties (`bootstrap.servers`, `acks`,
    /// `linger.ms`, `compression.type`, ...). Fails on unknown properties or values.
    public init(config: [String: String]) throws {
        handle = try KafkaHandle(kind: RD_KAFKA_PRODUCER, settings: config) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let message, let opaque else { return }
                let events = Unmanaged<ClientEvents>.fromOpaque(opaque).takeUnretainedValue()
                events.delivered(message.pointee)
            }
        }
        poller = PollLoop(handle: handle, name: "producer")
    }

    /// Sends one record and waits for its delivery report. `partition` nil lets
    /// the partitioner choose (by key hash; spread when there is no key);
    /// `timestamp` is milliseconds since the epoch, nil for now.
    /// Waits (without blocking a thread) while the local queue is full.
    public func send(topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8]?,
                     headers: [RecordHeader] = [], timestamp: Int64? = nil) async throws -> DeliveryReport {
        while true {
            let outcome: DeliveryWaiter.Outcome = try await withCheckedThrowingContinuation { continuation in
                let opaque = Unmanaged.passRetained(DeliveryWaiter(continuation)).toOpaque()
                do {
                    try produce(topic: topic, partition: partition, key: key, value: value, headers: headers,
                                timestamp: timestamp, opaque: opaque, block: false)
                } catch {
                    // Not queued: no delivery report will come, so the waiter is ours to release.
                    Unmanaged<DeliveryWaiter>.fromOpaque(opaque).release()
                    if (error as? KafkaClientError)?.rawCode == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                        continuation.resume(returning: .queueFull)
                    } else {
                        continuation.resume(throwing: error)
                    }
                }
            }
            switch outcome {
            case .delivered(let report): return report
            case .queueFull: try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    /// Hands one record to librdkafka and returns without waiting for the broker;
    /// blocks only while the local queue is full. The outcome is counted in
    /// `deliveries`.
    public func enqueue(topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8]?,
                        headers: [RecordHeader] = [], timestamp: Int64? = nil) throws {
        try produce(topic: topic, partition: partition, key: key, value: value, headers: headers,
                    timestamp: timestamp, opaque: nil, block: true)
    }

    /// How many records the broker acknowledged or refused so far, and the first refusal.
    public var deliveries: DeliveryCounts { handle.events.deliveryCounts }

    /// Records handed over and not yet acknowledged or failed.
    public var inFlight: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// Waits until every record handed over so far is acknowledged or failed.
    /// Throws `_TIMED_OUT` (naming the last broker error) when some are still in flight.
    public func flush(timeout: Duration) throws {
        let err = rd_kafka_flush(handle.pointer, timeout.kafkaMilliseconds)
        if err == RD_KAFKA_RESP_ERR__TIMED_OUT {
            throw handle.events.timeout("flush with \(inFlight) record(s) in flight")
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "flush") }
    }

    /// Flushes for up to `timeout`, then frees the client whether or not the flush finished.
    /// Records still in flight fail with `_PURGE_QUEUE`. Throws the flush's error.
    /// Later calls are no-ops.
    public func close(timeout: Duration = .seconds(10)) throws {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        defer { shutDown() }
        try flush(timeout: timeout)
    }

    /// Fails whatever is still queued (resuming its senders), then stops polling and frees the client.
    private func shutDown() {
        rd_kafka_purge(handle.pointer, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        rd_kafka_flush(handle.pointer, 1000)  // serves the purged records' delivery reports
        poller.stop()
        handle.destroy()
    }

    deinit {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { shutDown() }
    }
}
