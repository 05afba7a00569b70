#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PetrelCore
import Synchronization

/// All topics under one directory, with the committed consumer offsets: the
/// embedded replacement for a Kafka broker's log manager.
///
/// Layout: `<directory>/topics/<topic>/topic.json`,
/// `<directory>/topics/<topic>/<topic>-<partition>/` (segments), and
/// `<directory>/consumer-offsets.log`. See docs/formats/topic-log.md.
public final class TopicStore: Sendable {
    public let directory: String
    let options: TopicStoreOptions
    let topics: Mutex<[String: Topic]>
    private let isClosed = Atomic<Bool>(false)
    let offsets: ConsumerOffsets
    let producerIds: ProducerIdAllocator

    var topicsDirectory: String { "\(directory)/topics" }
    private var trashDirectory: String { "\(directory)/trash" }

    /// Opens the store, creating the directory if needed, and recovers every topic.
    public init(directory: String, options: TopicStoreOptions = TopicStoreOptions()) throws {
        self.directory = directory
        self.options = options
        try options.defaultTopic.validate()
        try FileIO.makeDirectory(directory)
        try FileIO.makeDirectory("\(directory)/topics")
        // A deletion interrupted by a crash finishes here.
        try DirectoryListing.removeTree("\(directory)/trash")
        offsets = try ConsumerOffsets(directory: directory)
        var loaded: [String: Topic] = [:]
        for name in try DirectoryListing.names(in: "\(directory)/topics").sorted() {
            let topicDirectory = "\(directory)/topics/\(name)"
            guard DirectoryListing.isDirectory(topicDirectory) else { continue }
            guard let bytes = try FileIO.readFile("\(topicDirectory)/topic.json") else {
                options.logger.warning("skipping a topic directory without topic.json", metadata: ["path": "\(topicDirectory)"])
                continue
            }
            let file: TopicFile
            do {
                file = try JSONDecoder().decode(TopicFile.self, from: Data(bytes))
            } catch {
                throw LogStorageError(.invalidConfig, "\(topicDirectory)/topic.json cannot be read: \(error)")
            }
            guard file.version == 1 else {
                throw LogStorageError(.invalidConfig, "\(topicDirectory)/topic.json has version \(file.version); this build reads 1")
            }
            let config = file.config
            try config.validate()
            loaded[name] = try Self.openTopic(name: name, config: config, directory: topicDirectory, options: options)
        }
        topics = Mutex(loaded)
        let highestProducerId = loaded.values.flatMap(\.partitions).compactMap(\.highestProducerId).max() ?? -1
        producerIds = try ProducerIdAllocator(directory: directory, atLeast: highestProducerId + 1)
        options.logger.info("topic store open", metadata: ["directory": "\(directory)", "topics": "\(loaded.count)"])
    }

    /// What `topic.json` holds.
    struct TopicFile: Codable {
        var version: Int
        var config: TopicConfig
    }

    private static func openTopic(name: String, config: TopicConfig, directory: String,
                                  options: TopicStoreOptions) throws(LogStorageError) -> Topic {
        var partitions: [PartitionLog] = []
        for number in 0..<config.partitions {
            partitions.append(try openPartition(topic: name, number: number, config: config, directory: directory, options: options))
        }
        return Topic(name: name, config: config, directory: directory, partitions: partitions)
    }

    static func openPartition(topic: String, number: Int, config: TopicConfig, directory: String,
                              options: TopicStoreOptions) throws(LogStorageError) -> PartitionLog {
        try PartitionLog(directory: "\(directory)/\(topic)-\(number)", topic: topic, partition: number,
                         config: config, policy: options.fsync, timeSource: options.timeSource, logger: options.logger)
    }

    /// Writes `topic.json` atomically (temporary file, fsync, rename).
    static func writeTopicFile(_ config: TopicConfig, directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(TopicFile(version: 1, config: config))
        try FileIO.writeAtomically([UInt8](json), to: "\(directory)/topic.json", directory: directory)
    }

    // MARK: - Topics

    /// Creates a topic with `config` (the store's default when nil); throws
    /// `.topicAlreadyExists`, `.invalidTopicName` or `.invalidConfig`.
    @discardableResult
    public func createTopic(_ name: String, config: TopicConfig? = nil) throws -> Topic {
        try checkOpen()
        try TopicConfig.validateName(name)
        let config = config ?? options.defaultTopic
        try config.validate()
        return try topics.withLock { (topics) throws -> Topic in
            guard topics[name] == nil else {
                throw LogStorageError(.topicAlreadyExists, "topic \"\(name)\" already exists")
            }
            let topicDirectory = "\(topicsDirectory)/\(name)"
            try FileIO.makeDirectory(topicDirectory)
            try Self.writeTopicFile(config, directory: topicDirectory)
            try FileIO.fsyncDirectory(topicsDirectory)
            let topic = try Self.openTopic(name: name, config: config, directory: topicDirectory, options: options)
            topics[name] = topic
            options.logger.info("created topic", metadata: ["topic": "\(name)", "partitions": "\(config.partitions)"])
            return topic
        }
    }

    public func topic(_ name: String) -> Topic? {
        topics.withLock { $0[name] }
    }

    /// The topic, created with the default config when missing (Kafka's auto-create).
    public func topicOrCreate(_ name: String) throws -> Topic {
        if let existing = topic(name) { return existing }
        do {
            return try createTopic(name)
        } catch let error as LogStorageError where error.code == .topicAlreadyExists {
            if let existing = topic(name) { return existing }
            throw error
        }
    }

    /// Deletes a topic, its files and its committed offsets. Appends in flight
    /// fail with `.closed`; readers still holding segments finish their reads.
    public func deleteTopic(_ name: String) throws {
        try checkOpen()
        guard let topic = topics.withLock({ $0.removeValue(forKey: name) }) else {
            throw LogStorageError(.unknownTopic, "topic \"\(name)\" does not exist")
        }
        for partition in topic.partitions { partition.abandon() }
        try FileIO.makeDirectory(trashDirectory)
        let doomed = "\(trashDirectory)/\(name)-\(monotonicNanos())"
        try FileIO.rename(topic.directory, doomed)
        try FileIO.fsyncDirectory(topicsDirectory)
        try DirectoryListing.removeTree(doomed)
        try offsets.forget(topic: name)
        options.logger.info("deleted topic", metadata: ["topic": "\(name)"])
    }

    public var topicNames: [String] {
        topics.withLock { Array($0.keys) }.sorted()
    }

    // MARK: - Consumer offsets

    /// Stores a consumer group's committed offset (the next offset it will
    /// read); durable (fsynced) before returning.
    public func commitOffset(group: String, topic: String, partition: Int, offset: Int64, metadata: String = "") throws {
        try checkOpen()
        guard offset >= 0 else {
            throw LogStorageError(.invalidRequest, "commit of \(group) on \(topic)-\(partition): offset \(offset) is negative")
        }
        try offsets.commit(ConsumerOffsets.Key(group: group, topic: topic, partition: partition), offset: offset,
                           metadata: metadata, nowMillis: options.timeSource.nowMillis())
    }

    public func committedOffset(group: String, topic: String, partition: Int) -> Int64? {
        offsets.committed(ConsumerOffsets.Key(group: group, topic: topic, partition: partition))?.offset
    }

    /// The committed offset with the metadata string the consumer stored with it.
    public func committed(group: String, topic: String, partition: Int) -> (offset: Int64, metadata: String)? {
        offsets.committed(ConsumerOffsets.Key(group: group, topic: topic, partition: partition)).map { ($0.offset, $0.metadata) }
    }

    /// Marks `group` as a durable consumer of `topic`: time retention keeps
    /// every segment the group has not committed past. Persisted.
    public func pin(group: String, topic: String) throws {
        try offsets.setPinned(ConsumerOffsets.GroupTopic(group: group, topic: topic), true)
    }

    public func unpin(group: String, topic: String) throws {
        try offsets.setPinned(ConsumerOffsets.GroupTopic(group: group, topic: topic), false)
    }

    // MARK: - Lifecycle

    /// Applies retention to every partition now; `run()` calls this periodically.
    @discardableResult
    public func applyRetention() -> RetentionOutcome {
        let now = options.timeSource.nowMillis()
        var total = RetentionOutcome()
        for topic in topics.withLock({ Array($0.values) }) {
            for partition in topic.partitions {
                let protectedFrom = offsets.protectedFrom(topic: topic.name, partition: partition.partition)
                let outcome = partition.applyRetention(nowMillis: now, protectedFrom: protectedFrom)
                total.deletedSegments += outcome.deletedSegments
                total.deletedBytes += outcome.deletedBytes
                total.forcedLossRecords += outcome.forcedLossRecords
            }
        }
        return total
    }

    /// The background loop: applies retention every `retentionCheckInterval`
    /// until the task is cancelled. Group-commit fsyncs are led by the
    /// appenders themselves, so appends never depend on this loop.
    public func run() async throws {
        // With `.interval`, written data that no appender waits for is fsynced at least this often.
        var tick = options.retentionCheckInterval
        if case .interval(let ms) = options.fsync, ms > 0 { tick = min(tick, .milliseconds(ms)) }
        var sinceRetention = Duration.zero
        applyRetention()
        while !Task.isCancelled && !isClosed.load(ordering: .relaxed) {
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
            sinceRetention += tick
            if sinceRetention >= options.retentionCheckInterval {
                sinceRetention = .zero
                applyRetention()
            }
            if case .interval = options.fsync { await flushDirtyPartitions() }
        }
    }

    /// Fsyncs every partition holding written but not yet durable data.
    func flushDirtyPartitions() async {
        for name in topicNames {
            guard let topic = topic(name) else { continue }
            for partition in topic.partitions where partition.highWatermark < partition.logEndOffset {
                do {
                    try await BlockingIOPool.shared.run { () throws(LogStorageError) in try partition.flush() }
                } catch {
                    options.logger.error("periodic fsync failed", metadata: ["topic": "\(name)", "partition": "\(partition.partition)", "error": "\(error)"])
                }
            }
        }
    }

    /// Graceful shutdown: fsyncs every partition, writes the indexes and the
    /// clean-shutdown markers. Later calls do nothing; later appends throw `.closed`.
    public func close() throws {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var firstError: (any Error)?
        for topic in topics.withLock({ Array($0.values) }) {
            for partition in topic.partitions {
                do { try partition.close() } catch {
                    options.logger.error("closing a partition failed", metadata: ["partition": "\(topic.name)-\(partition.partition)", "error": "\(error)"])
                    firstError = firstError ?? error
                }
            }
        }
        try offsets.sync()
        if let firstError { throw firstError }
    }

    func checkOpen() throws(LogStorageError) {
        if isClosed.load(ordering: .relaxed) { throw LogStorageError(.closed, "the topic store is closed") }
    }
}
