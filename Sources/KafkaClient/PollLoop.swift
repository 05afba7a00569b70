import CRdKafka
import Dispatch
import Synchronization

/// A dedicated thread that serves a client's callbacks (delivery reports,
/// errors) by calling `rd_kafka_poll`, which blocks up to its timeout when
/// there is nothing to serve, so the loop never spins.
final class PollLoop: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts polling `handle` until `stop()`.
    init(handle: KafkaHandle, name: String) {
        let queue = DispatchQueue(label: "petrel.kafka.poll.\(name)")
        queue.async { [self] in
            while !stopping.load(ordering: .acquiring) {
                rd_kafka_poll(handle.pointer, 100)
            }
            finished.signal()
        }
    }

    /// Stops the loop and waits for its last poll to return (at most ~100 ms).
    func stop() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) { return }
        finished.wait()
    }
}
