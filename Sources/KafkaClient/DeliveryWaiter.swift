import CRdKafka
import Synchronization

/// Counts of delivery reports: what the broker acknowledged, what failed, and
/// the first failure (the usual cause of all that follow).
public struct DeliveryCounts: Sendable {
    public var delivered: Int = 0
    public var failed: Int = 0
    public var firstError: KafkaClientError? = nil
}

/// The continuation of one `KafkaProducer.send`, passed to librdkafka as the
/// record's opaque pointer (retained) and resumed by its delivery report.
final class DeliveryWaiter: Sendable {
    enum Outcome: Sendable {
        case delivered(KafkaProducer.DeliveryReport)
        /// librdkafka's local queue was full; nothing was sent.
        case queueFull
    }

    private let continuation: CheckedContinuation<Outcome, any Error>

    init(_ continuation: CheckedContinuation<Outcome, any Error>) {
        self.continuation = continuation
    }

    func resume(_ result: Result<KafkaProducer.DeliveryReport, KafkaClientError>) {
        switch result {
        case .success(let report): continuation.resume(returning: .delivered(report))
        case .failure(let error): continuation.resume(throwing: error)
        }
    }
}

extension ClientEvents {
    /// Handles one delivery report (on the poll thread): counts it and resumes
    /// its waiter, if the record was sent with `send`.
    func delivered(_ message: rd_kafka_message_t) {
        let result: Result<KafkaProducer.DeliveryReport, KafkaClientError>
        if message.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            result = .success(.init(partition: message.partition, offset: message.offset))
        } else {
            let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            result = .failure(KafkaClientError(message.err, "delivery to \(topic)"))
        }
        deliveries.withLock { counts in
            switch result {
            case .success: counts.delivered += 1
            case .failure(let error):
                counts.failed += 1
                if counts.firstError == nil { counts.firstError = error }
            }
        }
        if let opaque = message._private {
            Unmanaged<DeliveryWaiter>.fromOpaque(opaque).takeRetainedValue().resume(result)
        }
    }

    var deliveryCounts: DeliveryCounts { deliveries.withLock { $0 } }
}
