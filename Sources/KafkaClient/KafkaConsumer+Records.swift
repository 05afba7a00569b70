extension KafkaConsumer {
    /// The consumer's records as an async sequence; see `KafkaConsumer.records(pollTimeout:batch:)`.
    public struct Records: AsyncSequence {
        public typealias Element = ConsumedRecord
        let consumer: KafkaConsumer
        let pollTimeout: Duration
        let batch: Int

        public func makeAsyncIterator() -> Iterator {
            Iterator(consumer: consumer, pollTimeout: pollTimeout, batch: batch)
        }

        /// Polls in batches off the cooperative pool and hands records out one by one.
        public struct Iterator: AsyncIteratorProtocol {
            let consumer: KafkaConsumer
            let pollTimeout: Duration
            let batch: Int
            var buffered: [ConsumedRecord] = []
            var next = 0

            /// The next record; nil once the task is cancelled. Throws consumer errors.
            public mutating func next() async throws -> ConsumedRecord? {
                while next == buffered.count {
                    if Task.isCancelled { return nil }
                    buffered = try await consumer.pollOffThread(maxRecords: batch, timeout: pollTimeout)
                    next = 0
                }
                defer { next += 1 }
                return buffered[next]
            }
        }
    }
}
