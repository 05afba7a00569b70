#if canImport(Glibc)
import Glibc
#endif

/// A few dedicated threads for blocking file calls (fsync), so a group commit
/// that waits on the disk never occupies a thread of Swift's concurrency pool.
final class BlockingIOPool: @unchecked Sendable {
    /// Shared by every partition in the process.
    static let shared = BlockingIOPool(threads: 4)

    // pthread primitives live at stable addresses; `jobs` is guarded by `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [@Sendable () -> Void] = []

    private init(threads: Int) {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 0..<threads {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            let created = pthread_create(&thread, nil, { context in
                let pool = Unmanaged<BlockingIOPool>.fromOpaque(context!).takeRetainedValue()
                pool.work()
            }, context)
            precondition(created == 0, "cannot start an I/O thread (error \(created))")
            pthread_detach(thread)
        }
    }

    private func work() -> Never {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty { pthread_cond_wait(condition, mutex) }
            let job = jobs.removeFirst()
            pthread_mutex_unlock(mutex)
            job()
        }
    }

    /// Runs `body` on a pool thread and returns its result.
    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let job: @Sendable () -> Void = {
                do throws(E) { continuation.resume(returning: .success(try body())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            pthread_mutex_lock(mutex)
            jobs.append(job)
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }
        return try result.get()
    }
}
