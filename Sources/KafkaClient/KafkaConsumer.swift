import CRdKafka
import Dispatch
import PetrelCore
import Synchronization

/// A record read from a topic, with where it came from.
public struct ConsumedRecord: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// Offset, timestamp (ms; -1 when the broker gave none), key, value and headers.
    public var record: Record

    public init(topic: String, partition: Int32, record: Record) {
        self.topic = topic
        self.partition = partition
        self.record = record
    }
}

/// One partition of a topic.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// Reads records from Kafka topics through librdkafka's consumer.
///
/// With `group.id` in its configuration it joins that consumer group and
/// subscribes: the group's coordinator shares the partitions out, and offsets
/// are committed for the group. Without one it reads every partition of the
/// topics by itself from `start`, and commits nothing.
///
/// `poll` blocks the calling thread up to its timeout; `records()` is the same
/// stream as an async sequence that polls on a dedicated queue. Call `close`
/// when done: it leaves the group (committing, if auto-commit is on) and frees
/// the client.
public final class KafkaConsumer: Sendable {
    /// Where to begin reading a partition that has no committed offset.
    public enum StartPosition: Sendable {
        /// The group's committed offset; without a group, the end.
        case committed
        /// The oldest retained record (with a group: when nothing is committed).
        case beginning
        /// Only records produced from now on (with a group: when nothing is committed).
        case end
    }

    let handle: KafkaHandle
    /// The consumer group, or nil when reading without one.
    public let group: String?
    /// Where partitions without a committed offset begin.
    let start: StartPosition
    private let pollQueue = DispatchQueue(label: "petrel.kafka.consumer")
    private let closed = Atomic<Bool>(false)

    /// Creates a consumer of `topics` from librdkafka properties (`bootstrap.servers`,
    /// `group.id`, ...). Without `group.id`, it fetches the topics' partitions
    /// (waiting up to `timeout`) and fails when a topic does not exist.
    public init(config: [String: String], topics: [String], start: StartPosition = .committed,
                timeout: Duration = .seconds(10)) throws {
        guard !topics.isEmpty else { throw KafkaClientError.invalidArgument("no topics to consume") }
        var settings = config
        group = config["group.id"]
        self.start = start
        if group == nil {
            // librdkafka's consumer API needs a group id even for manual
            // assignment; it never joins this group and commits nothing.
            settings["group.id"] = "petrel-unsubscribed"
            settings["enable.auto.commit"] = "false"
            settings["enable.auto.offset.store"] = "false"
        }
        if settings["auto.offset.reset"] == nil {
            switch start {
            case .beginning: settings["auto.offset.reset"] = "earliest"
            case .end: settings["auto.offset.reset"] = "latest"
            case .committed: break
            }
        }
        handle = try KafkaHandle(kind: RD_KAFKA_CONSUMER, settings: settings)
        do {
            if group != nil {
                try subscribe(topics)
            } else {
                let offset = start == .beginning ? Int64(RD_KAFKA_OFFSET_BEGINNING) : Int64(RD_KAFKA_OFFSET_END)
                var partitions: [(TopicPartition, Int64)] = []
                for topic in topics {
                    guard let metadata = try handle.metadata(topic: topic, timeout: timeout).first else {
                        throw KafkaClientError.invalidArgument("no metadata for topic \(topic)")
                    }
                    partitions += metadata.partitions.map { (TopicPartition(topic: topic, partition: $0.id), offset) }
                }
                try assign(partitions)
            }
            rd_kafka_poll_set_consumer(handle.pointer)
        } catch {
            handle.destroy()
            throw error
        }
    }

    private func subscribe(_ topics: [String]) throws {
        let list = PartitionList(topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), nil) })
        defer { list.destroy() }
        let err = rd_kafka_subscribe(handle.pointer, list.pointer)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "subscribe to \(topics.joined(separator: ","))") }
    }

    private func assign(_ partitions: [(TopicPartition, Int64)]) throws {
        let list = PartitionList(partitions)
        defer { list.destroy() }
        let err = rd_kafka_assign(handle.pointer, list.pointer)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "assign partitions") }
    }

    /// The next record, or nil when none arrives within `timeout`. Throws on
    /// consumer errors such as an unknown topic or an unreachable broker.
    public func poll(timeout: Duration) throws -> ConsumedRecord? {
        guard let message = rd_kafka_consumer_poll(handle.pointer, timeout.kafkaMilliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        return try ConsumedRecord.from(message)
    }

    /// Up to `maxRecords` records: those that arrive within `timeout`, returning
    /// as soon as any are there.
    public func poll(maxRecords: Int, timeout: Duration) throws -> [ConsumedRecord] {
        guard maxRecords > 0, let queue = rd_kafka_queue_get_consumer(handle.pointer) else { return [] }
        defer { rd_kafka_queue_destroy(queue) }
        var messages = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: maxRecords)
        let count = rd_kafka_consume_batch_queue(queue, timeout.kafkaMilliseconds, &messages, maxRecords)
        guard count > 0 else { return [] }
        defer { for i in 0..<count { rd_kafka_message_destroy(messages[i]) } }
        var records: [ConsumedRecord] = []
        records.reserveCapacity(count)
        for i in 0..<count {
            if let record = try ConsumedRecord.from(messages[i]!) { records.append(record) }
        }
        return records
    }

    /// The records as an async sequence that ends when the task is cancelled.
    /// Each wait polls for at most `pollTimeout` on the consumer's own queue, so no
    /// cooperative thread blocks.
    public func records(pollTimeout: Duration = .milliseconds(100), batch: Int = 500) -> Records {
        Records(consumer: self, pollTimeout: pollTimeout, batch: batch)
    }

    /// Blocking `poll(maxRecords:timeout:)` moved off the caller's thread.
    func pollOffThread(maxRecords: Int, timeout: Duration) async throws -> [ConsumedRecord] {
        try await withCheckedThrowingContinuation { continuation in
            pollQueue.async {
                continuation.resume(with: Result { try self.poll(maxRecords: maxRecords, timeout: timeout) })
            }
        }
    }

    /// Commits the offsets of the records returned so far for the group, and waits
    /// for the broker's answer. Does nothing without a group or when nothing is new.
    ///
    /// A consumer that starts at `.beginning` also commits, for each assigned
    /// partition it returned nothing from and the group has nothing committed for,
    /// that partition's oldest offset: where it stood. librdkafka commits only
    /// partitions it returned records from, so without this the group's next
    /// member would start such a partition at the end (its reset policy) and
    /// skip whatever arrived there in between.
    public func commit(timeout: Duration = .seconds(10)) throws {
        guard let group else { return }
        let err = rd_kafka_commit(handle.pointer, nil, 0)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaClientError(err, "commit offsets for group \(group)")
        }
        guard start == .beginning else { return }
        let unread = try unreadUncommittedPartitions(timeout: timeout)
        guard !unread.isEmpty else { return }
        var starts: [(TopicPartition, Int64?)] = []
        for partition in unread {
            var low: Int64 = 0, high: Int64 = 0
            let err = rd_kafka_query_watermark_offsets(handle.pointer, partition.topic, partition.partition,
                                                       &low, &high, timeout.kafkaMilliseconds)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "oldest offset of \(partition)") }
            starts.append((partition, low))
        }
        let list = PartitionList(starts)
        defer { list.destroy() }
        let commitErr = rd_kafka_commit(handle.pointer, list.pointer, 0)
        if commitErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaClientError(commitErr, "commit the start of unread partitions for group \(group)")
        }
    }

    /// Assigned partitions this consumer returned no record from and the group has no offset for.
    private func unreadUncommittedPartitions(timeout: Duration) throws -> [TopicPartition] {
        var assigned: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? = nil
        let err = rd_kafka_assignment(handle.pointer, &assigned)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "assignment") }
        guard let assigned else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(assigned) }
        guard assigned.pointee.cnt > 0 else { return [] }
        // position = last returned offset + 1, or invalid when nothing was returned.
        let positionErr = rd_kafka_position(handle.pointer, assigned)
        if positionErr != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(positionErr, "positions") }
        let unread = PartitionList.entries(assigned).filter { $0.1 < 0 }.map(\.0)
        guard !unread.isEmpty else { return [] }
        let list = PartitionList(unread.map { ($0, nil) })
        defer { list.destroy() }
        let committedErr = rd_kafka_committed(handle.pointer, list.pointer, timeout.kafkaMilliseconds)
        if committedErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaClientError(committedErr, "committed offsets for group \(group ?? "")")
        }
        return PartitionList.entries(list.pointer).filter { $0.1 < 0 }.map(\.0)
    }

    /// The partitions this consumer currently reads.
    public func assignment() throws -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? = nil
        let err = rd_kafka_assignment(handle.pointer, &list)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "assignment") }
        guard let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return PartitionList.entries(list).map(\.0)
    }

    /// Moves an assigned partition's read position to `offset` (`Int64(RD_KAFKA_OFFSET_BEGINNING)`
    /// = -2, `RD_KAFKA_OFFSET_END` = -1 also work), waiting up to `timeout`.
    public func seek(topic: String, partition: Int32, offset: Int64, timeout: Duration = .seconds(10)) throws {
        let list = PartitionList([(TopicPartition(topic: topic, partition: partition), offset)])
        defer { list.destroy() }
        if let error = rd_kafka_seek_partitions(handle.pointer, list.pointer, timeout.kafkaMilliseconds) {
            throw KafkaClientError(consuming: error, "seek \(topic)[\(partition)] to \(offset)")
        }
        if let (_, _, err) = PartitionList.entries(list.pointer).first, err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaClientError(err, "seek \(topic)[\(partition)] to \(offset)")
        }
    }

    /// Leaves the group (committing first when `enable.auto.commit` is on) and frees
    /// the client. Later calls are no-ops.
    public func close() throws {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        let err = rd_kafka_consumer_close(handle.pointer)
        pollQueue.sync {}  // an in-flight off-thread poll finishes before the client goes
        handle.destroy()
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaClientError(err, "close consumer") }
    }

    deinit {
        try? close()
    }
}
