/// A group's committed offset on one partition, as stored.
public struct CommittedOffset: Sendable, Equatable {
    public var topic: String
    public var partition: Int
    /// The next offset the group will read.
    public var offset: Int64
    public var metadata: String
    /// When it was committed (the store's clock, milliseconds).
    public var timestampMillis: Int64

    public init(topic: String, partition: Int, offset: Int64, metadata: String, timestampMillis: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.metadata = metadata
        self.timestampMillis = timestampMillis
    }
}

/// What the Kafka group coordinator needs from the offsets file: batch
/// commits, a group's offsets, the groups that have any, and deleting them.
extension TopicStore {
    /// Stores several of a group's offsets at once, durable (one fsync on a
    /// blocking-I/O thread) before returning. Offsets must not be negative.
    public func commitOffsets(group: String, _ offsets: [(topic: String, partition: Int, offset: Int64, metadata: String)]) async throws {
        try checkOpen()
        for entry in offsets where entry.offset < 0 {
            throw LogStorageError(.invalidRequest,
                                  "commit of \(group) on \(entry.topic)-\(entry.partition): offset \(entry.offset) is negative")
        }
        let entries = offsets.map {
            (ConsumerOffsets.Key(group: group, topic: $0.topic, partition: $0.partition), offset: $0.offset, metadata: $0.metadata)
        }
        let now = options.timeSource.nowMillis()
        let offsetsFile = self.offsets
        try await BlockingIOPool.shared.run { () throws(LogStorageError) in
            try offsetsFile.commit(entries, nowMillis: now)
        }
    }

    /// Every committed offset of `group`, by topic then partition.
    public func committedOffsets(group: String) -> [CommittedOffset] {
        offsets.committed(group: group).map { key, value in
            CommittedOffset(topic: key.topic, partition: key.partition, offset: value.offset, metadata: value.metadata,
                            timestampMillis: value.timestampMillis)
        }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Groups that hold committed offsets (Kafka clients' and Petrel's own consumers').
    public var groupsWithOffsets: [String] {
        offsets.groups.sorted()
    }

    /// Whether `group` pins retention of some topic (one of Petrel's own durable consumers).
    public func isPinned(group: String) -> Bool {
        offsets.isPinned(group: group)
    }

    /// Drops every committed offset of `group`; durable before returning.
    public func deleteOffsets(group: String) throws {
        try offsets.forget(group: group)
    }
}
