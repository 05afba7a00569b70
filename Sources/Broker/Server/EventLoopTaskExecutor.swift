import NIOCore

/// Runs the tasks of one connection on its channel's event loop thread
/// (`withTaskExecutorPreference`). A request then goes from the socket through
/// its handler to the write without changing threads: each hop to the shared
/// concurrency pool costs a cross-thread wake-up, and on a small machine a
/// woken thread can wait a millisecond or more behind a busy core while
/// another core idles (measured on Fetch, see BENCHMARKS.md). Work that must
/// not block the loop (fsync, segment sealing) already runs on NIO's
/// blocking-I/O threads; actors (the group coordinator) still run on their own.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
