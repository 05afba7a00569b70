import KafkaProtocol
import LogStorage
import Metrics

/// OffsetCommit, OffsetFetch, offsets retention and consumer lag.
///
/// Offsets go to the `TopicStore`'s `consumer-offsets.log`, fsynced before
/// the commit is answered. Unlike the TSDB's own consumer, Kafka clients'
/// groups do not pin topic retention: a slow or abandoned consumer must not
/// keep a topic from being trimmed, as in Kafka, where retention ignores
/// consumers. A group that falls behind retention resets per its
/// `auto.offset.reset`.
extension GroupCoordinator {
    /// OffsetCommit: checks the group, member and generation (a consumer with
    /// generation -1 and no member id may commit while the group is Empty),
    /// then stores every valid partition's offset with one fsync.
    public func commitOffsets(_ request: OffsetCommitRequest) async -> [OffsetCommitPartitionResult] {
        func all(_ error: KafkaErrorCode) -> [OffsetCommitPartitionResult] {
            request.partitions.map { OffsetCommitPartitionResult(topic: $0.topic, partition: $0.partition, error: error) }
        }
        guard !request.groupId.isEmpty else { return all(.invalidGroupId) }
        let now = self.now
        var group: ConsumerGroup
        if let existing = loadGroup(request.groupId, create: false) {
            group = existing
        } else {
            // No such group: only a consumer outside group management may create it by committing.
            guard request.generationId < 0 else { return all(.illegalGeneration) }
            group = ConsumerGroup(groupId: request.groupId, nowMillis: now)
        }
        let error = group.commitError(memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                                      generationId: request.generationId, nowMillis: now)
        store(group)
        if let error { return all(error) }

        var results: [OffsetCommitPartitionResult] = []
        var accepted: [(topic: String, partition: Int, offset: Int64, metadata: String)] = []
        for entry in request.partitions {
            let metadata = entry.metadata ?? ""
            let error: KafkaErrorCode
            if store.topic(entry.topic)?.partition(entry.partition) == nil {
                error = .unknownTopicOrPartition
            } else if metadata.utf8.count > options.maxOffsetMetadataBytes {
                error = .offsetMetadataTooLarge
            } else {
                error = .none
                // A negative offset means "no position"; there is nothing to store.
                if entry.offset >= 0 { accepted.append((entry.topic, entry.partition, entry.offset, metadata)) }
            }
            results.append(OffsetCommitPartitionResult(topic: entry.topic, partition: entry.partition, error: error))
        }
        do {
            try await store.commitOffsets(group: request.groupId, accepted)
        } catch {
            logger.error("storing committed offsets failed", metadata: ["group": "\(request.groupId)", "error": "\(error)"])
            for i in results.indices where results[i].error == .none { results[i].error = .kafkaStorageError }
        }
        return results
    }

    /// OffsetFetch: the named partitions' committed offsets (-1 where none), or
    /// with `topics` nil every partition the group committed.
    public func fetchOffsets(groupId: String, topics: [(topic: String, partitions: [Int])]?) -> OffsetFetchResult {
        let committed = store.committedOffsets(group: groupId)
        guard let topics else {
            return OffsetFetchResult(error: .none, partitions: committed.map {
                FetchedOffset(topic: $0.topic, partition: $0.partition, offset: $0.offset, metadata: $0.metadata, error: .none)
            })
        }
        var byKey: [String: [Int: CommittedOffset]] = [:]
        for entry in committed { byKey[entry.topic, default: [:]][entry.partition] = entry }
        var partitions: [FetchedOffset] = []
        for (topic, numbers) in topics {
            for number in numbers {
                let entry = byKey[topic]?[number]
                partitions.append(FetchedOffset(topic: topic, partition: number, offset: entry?.offset ?? -1,
                                                metadata: entry?.metadata ?? "", error: .none))
            }
        }
        return OffsetFetchResult(error: .none, partitions: partitions)
    }

    /// Each committed partition of the group with its lag behind the high watermark.
    public func lag(groupId: String) -> [GroupPartitionLag] {
        store.committedOffsets(group: groupId).compactMap { entry in
            guard let log = store.topic(entry.topic)?.partition(entry.partition) else { return nil }
            let end = log.highWatermark
            return GroupPartitionLag(topic: entry.topic, partition: entry.partition, committedOffset: entry.offset,
                                     endOffset: end, lag: max(0, end - entry.offset))
        }
    }

    /// Sets `petrel_kafka_consumer_lag{group,topic,partition}` for every group with offsets.
    func refreshLagGauges() {
        for groupId in store.groupsWithOffsets {
            for entry in lag(groupId: groupId) {
                Gauge(label: "petrel_kafka_consumer_lag", dimensions: [
                    ("group", groupId), ("topic", entry.topic), ("partition", String(entry.partition)),
                ]).record(entry.lag)
            }
        }
    }

    /// Drops the offsets of groups that have been Empty for longer than
    /// `offsetsRetentionMs`, counting from when the group became Empty or its
    /// last commit, whichever is later. Groups pinned by Petrel's own consumers are kept.
    func applyOffsetsRetention(nowMillis now: Int64) {
        guard let retention = options.offsetsRetentionMs else { return }
        if let last = lastRetentionMillis, now - last < 10_000 { return }
        lastRetentionMillis = now
        for groupId in Set(groups.keys).union(store.groupsWithOffsets) where !store.isPinned(group: groupId) {
            guard let group = loadGroup(groupId, create: false), group.state == .empty,
                  group.pendingMembers.isEmpty else { continue }
            let lastCommit = store.committedOffsets(group: groupId).map(\.timestampMillis).max() ?? 0
            guard now - max(group.stateSinceMillis, lastCommit) > retention else { continue }
            do {
                try store.deleteOffsets(group: groupId)
                drop(groupId)
                logger.info("offsets retention removed an empty group", metadata: ["group": "\(groupId)"])
            } catch {
                logger.error("offsets retention failed", metadata: ["group": "\(groupId)", "error": "\(error)"])
            }
        }
    }
}
