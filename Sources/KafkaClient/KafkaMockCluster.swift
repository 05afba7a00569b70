import CRdKafka
import Synchronization

/// librdkafka's in-process mock Kafka cluster: real brokers on loopback ports,
/// for tests and for measuring the client alone. Point clients at
/// `bootstrapServers`. Call `close` when done.
public final class KafkaMockCluster: @unchecked Sendable {  // the C cluster is thread-safe
    private let handle: KafkaHandle
    private let cluster: OpaquePointer
    private let closed = Atomic<Bool>(false)
    /// `host:port,...` of the mock brokers.
    public let bootstrapServers: String

    /// Starts `brokers` mock brokers.
    public init(brokers: Int32 = 1) throws {
        handle = try KafkaHandle(kind: RD_KAFKA_PRODUCER, settings: ["log_level": "3"])
        guard let cluster = rd_kafka_mock_cluster_new(handle.pointer, brokers) else {
            handle.destroy()
            throw KafkaClientError.invalidArgument("cannot start a mock cluster with \(brokers) broker(s)")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// Creates a topic (the mock has no CreateTopics API).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        let err = rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "mock topic \(name)") }
    }

    /// Stops the brokers; later calls are no-ops. Clients pointed at them should be closed first.
    public func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        rd_kafka_mock_cluster_destroy(cluster)
        handle.destroy()
    }

    deinit {
        close()
    }
}
