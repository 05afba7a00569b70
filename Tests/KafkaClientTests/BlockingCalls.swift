import KafkaClient

/// Runs a blocking librdkafka call (a poll loop, a flush, an admin request) on a thread of its
/// own and waits for it without holding a thread of Swift's concurrency pool.
///
/// The test process runs every suite at once on that pool, which has one thread per core: two
/// on a 2-core machine. A test that blocks it for seconds stalls every other test's tasks for as
/// long, and their own time limits then fail under load. Assertions stay with the caller: the
/// body runs outside the test's task.
/// Each call gets a worker of its own, so calls made at the same time do not queue behind each other.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await BlockingWorker(label: "petrel.test.kafka").call(body)
}
