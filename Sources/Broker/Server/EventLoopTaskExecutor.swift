import NIOCore

/// Runs the tasks of one connection on its channel's event loop thread
/// (`withTaskExecutorPreference`). A request then goes from the socket through
/// its handler to the write without changing threads: each hop to the shared
/// concurrency pool costs a cross-thread wake-up, and on a small machine a
/// woken thread can wait a millisecond or more behind a busy core while
/// another core idles (measured on Fetch, see BENCHMARKS.md). The produce
/// path's fsyncs and segment sealing run on the topic log's blocking-I/O
/// threads and the group coordinator on its actor; admin requests that create
/// or delete topic files (a few fsyncs) do hold the loop while they run.
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
