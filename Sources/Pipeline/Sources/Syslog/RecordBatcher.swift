import PetrelCore
import Synchronization

/// Collects the records that several listeners decode and hands them to the
/// output in batches, so a source appends once per flush interval instead of
/// once per message. It holds at most `capacity` records: a listener that
/// finds it full waits, which stops it reading its socket (TCP pushes back on
/// the sender; the kernel's UDP buffer absorbs a burst, then drops).
final class RecordBatcher: Sendable {
    private struct Pending {
        var records: [Record] = []
        var bytes = 0
    }

    let capacity: Int
    private let pending = Mutex(Pending())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Queues one record; `bytes` is what it was read as, for the received counters.
    func add(_ record: Record, bytes: Int) async throws {
        while true {
            let added = pending.withLock { state -> Bool in
                guard state.records.count < capacity else { return false }
                state.records.append(record)
                state.bytes += bytes
                return true
            }
            if added { return }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Everything queued so far, and its bytes; empties the queue.
    func take() -> (records: [Record], bytes: Int) {
        pending.withLock { state in
            defer { state = Pending() }
            return (state.records, state.bytes)
        }
    }

    /// Sends what has been queued every `interval` until cancelled, then once more.
    func run(_ output: SourceOutput, interval: Duration) async throws {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            try await flush(output)
        }
        try await flush(output)
    }

    private func flush(_ output: SourceOutput) async throws {
        let (records, bytes) = take()
        guard !records.isEmpty else { return }
        output.metrics.received(events: records.count, bytes: bytes)
        try await output.send(records)
    }
}
