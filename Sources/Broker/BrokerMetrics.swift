import Metrics
import Synchronization

/// The broker's `/metrics` series (petrel_kafka_*).
final class BrokerMetrics: Sendable {
    private let openConnections = Atomic<Int>(0)
    private let connectionsGauge = Gauge(label: "petrel_kafka_connections")
    private let bytesIn = Counter(label: "petrel_kafka_bytes_in_total")
    private let bytesOut = Counter(label: "petrel_kafka_bytes_out_total")

    func connectionOpened() { connectionsGauge.record(openConnections.add(1, ordering: .relaxed).newValue) }
    func connectionClosed() { connectionsGauge.record(openConnections.subtract(1, ordering: .relaxed).newValue) }

    func request(api: String, version: Int16, bytesIn count: Int) {
        Counter(label: "petrel_kafka_requests_total", dimensions: [("api", api), ("version", "\(version)")]).increment()
        bytesIn.increment(by: Int64(count))
    }

    func responded(api: String, bytes: Int, nanos: UInt64) {
        bytesOut.increment(by: Int64(bytes))
        Metrics.Timer(label: "petrel_kafka_request_duration_seconds", dimensions: [("api", api)]).recordNanoseconds(Int64(nanos))
    }

    func messagesIn(topic: String, partition: Int, count: Int) {
        Counter(label: "petrel_kafka_messages_in_total", dimensions: [("topic", topic), ("partition", "\(partition)")])
            .increment(by: Int64(count))
    }

    func produceError(code: Int16) {
        Counter(label: "petrel_kafka_produce_errors_total", dimensions: [("code", "\(code)")]).increment()
    }

    func fetchError(code: Int16) {
        Counter(label: "petrel_kafka_fetch_errors_total", dimensions: [("code", "\(code)")]).increment()
    }

    /// A frame or request that closed its connection (bad size, undecodable, unknown API).
    func badFrame(reason: String) {
        Counter(label: "petrel_kafka_bad_frames_total", dimensions: [("reason", reason)]).increment()
    }
}
