import Dispatch

/// Runs blocking client calls (librdkafka polls, flushes, synchronous commits,
/// admin requests) on one serial dispatch queue, so no thread of Swift's
/// cooperative pool waits on them.
public final class BlockingWorker: Sendable {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func call<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` and waits for it on the calling thread (for clean-up in `defer`).
    public func run(_ body: @Sendable () -> Void) {
        queue.sync { body() }
    }
}
