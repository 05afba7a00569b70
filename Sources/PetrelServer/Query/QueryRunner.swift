import Dispatch
import Synchronization

/// Runs query evaluation on threads of its own, at most `maxConcurrency` at a time (Prometheus'
/// `query.max-concurrency`, default 20), so a heavy query never occupies a NIO event loop or
/// the Swift cooperative pool and `/ready`, `/metrics` and ingest keep answering meanwhile.
/// Queries beyond the limit wait in arrival order.
public final class QueryRunner: Sendable {
    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    public let maxConcurrency: Int
    private let state: Mutex<State>
    private let queue = DispatchQueue(label: "petrel.query", qos: .userInitiated, attributes: .concurrent)

    public init(maxConcurrency: Int = 20) {
        self.maxConcurrency = max(1, maxConcurrency)
        state = Mutex(State(free: max(1, maxConcurrency)))
    }

    /// Queries running now.
    public var running: Int { maxConcurrency - state.withLock { $0.free } }

    /// Runs `body` on a query thread once a slot is free and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s in
                if s.free > 0 {
                    s.free -= 1
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
