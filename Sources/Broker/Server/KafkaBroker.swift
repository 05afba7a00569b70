import Foundation
import KafkaProtocol
import Logging
import LogStorage
import NIOCore
import NIOPosix
import Synchronization

/// The embedded single-node Kafka broker: serves the topic store over the
/// Kafka wire protocol. `run()` listens and serves until its task is
/// cancelled; each connection reads its requests in order and answers in
/// that order, while the waits of Produce (fsync) and Fetch (long poll)
/// overlap the requests after them.
public final class KafkaBroker: Sendable {
    public let config: BrokerConfig
    let handler: RequestHandler
    let metrics: BrokerMetrics
    let logger: Logger
    private let server = Mutex<NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>?>(nil)
    private let boundPortValue = Atomic<Int>(0)

    /// `groups` answers the consumer group APIs; the broker runs its timers while it serves.
    public init(config: BrokerConfig, topics: TopicStore, groups: GroupCoordinator, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let metrics = BrokerMetrics()
        self.metrics = metrics
        let clusterId = try Self.loadClusterId(directory: topics.directory)
        handler = RequestHandler(config: config, topics: topics, groups: groups, clusterId: clusterId, metrics: metrics,
                                 logger: logger)
    }

    /// The port listened on once `bind()` has run (the configured one, or the one picked for port 0).
    public var boundPort: Int { boundPortValue.load(ordering: .acquiring) }

    /// Opens the listening socket; `run()` calls it when the caller has not.
    @discardableResult
    public func bind() async throws -> Int {
        if let port = server.withLock({ $0?.channel.localAddress?.port }) { return port }
        let maxFrame = config.maxRequestBytes
        let metrics = self.metrics
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: config.host, port: config.port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(KafkaFrameDecoder(maxFrameBytes: maxFrame, metrics: metrics)))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let port = channel.channel.localAddress?.port ?? config.port
        server.withLock { $0 = channel }
        handler.advertisedPort.store(port, ordering: .releasing)
        boundPortValue.store(port, ordering: .releasing)
        logger.info("kafka listening", metadata: ["address": "\(config.host):\(port)"])
        return port
    }

    /// Serves connections until the task is cancelled, then closes the socket.
    public func run() async throws {
        try await bind()
        guard let channel = server.withLock({ $0 }) else { return }
        try await withThrowingDiscardingTaskGroup { group in
            let groups = handler.groups
            group.addTask { await groups.run() }
            defer { group.cancelAll() }
            try await channel.executeThenClose { connections in
                for try await connection in connections {
                    // The connection's tasks run on its event loop thread: no thread hops per request.
                    let executor = EventLoopTaskExecutor(connection.channel.eventLoop)
                    group.addTask(executorPreference: executor) { await self.serve(connection, executor: executor) }
                }
            }
        }
        logger.info("kafka listener closed")
    }

    /// How many requests of one connection may be under way at once (read,
    /// not yet answered). Bounds a connection's memory; librdkafka pipelines 5
    /// Produce requests by default.
    static let maxPipelinedRequests = 16

    /// Reads requests and starts each in order; a second task writes the
    /// answers in the same order as they complete. A Produce's appends happen
    /// before the next request is read, so pipelined Produce requests keep
    /// their order while their waits for the fsync overlap.
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, executor: EventLoopTaskExecutor) async {
        metrics.connectionOpened()
        defer { metrics.connectionClosed() }
        // Kafka shows a member's host as "/<ip>" (DescribeGroups).
        let peer = "/" + (connection.channel.remoteAddress?.ipAddress ?? "?")
        do {
            try await connection.executeThenClose { inbound, _ in
                let (answers, answerQueue) = AsyncStream.makeStream(of: RequestHandler.Pending.self)
                let (credits, creditQueue) = AsyncStream.makeStream(of: Void.self)
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        defer { creditQueue.finish() }
                        // Answers go straight to the channel (a Fetch's records as file regions). The
                        // writer waits for the last write only while the socket's buffer is full.
                        let channel = connection.channel
                        var previous: EventLoopFuture<Void>?
                        for await pending in answers {
                            let written: EventLoopFuture<Void>?
                            switch await pending.outcome {
                            case .reply(let bytes): written = channel.writeAndFlush(bytes)
                            case .parts(let parts): written = parts.write(to: channel)
                            case .noReply: written = nil
                            case .close:
                                try await previous?.get()
                                return true
                            }
                            previous = written ?? previous
                            if !channel.isWritable { try await previous?.get() }
                            creditQueue.yield()
                        }
                        try await previous?.get()
                        return true
                    }
                    group.addTask {
                        defer { answerQueue.finish() }
                        var freed = credits.makeAsyncIterator()
                        var inFlight = 0
                        for try await frame in inbound {
                            if inFlight >= Self.maxPipelinedRequests {
                                guard await freed.next() != nil else { break }
                                inFlight -= 1
                            }
                            let pending = await self.handler.start(frame, peer: peer, executor: executor)
                            answerQueue.yield(pending)
                            inFlight += 1
                            if case .ready(.close) = pending { break }
                        }
                        return false
                    }
                    // The writer's end is the connection's end: a close answer stops the reader too.
                    while let finished = try await group.next() {
                        if finished { group.cancelAll() }
                    }
                }
            }
        } catch {
            logger.debug("kafka connection closed with an error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// The cluster id: made once per data directory and kept in `kafka-cluster-id`.
    static func loadClusterId(directory: String) throws -> String {
        let path = "\(directory)/kafka-cluster-id"
        if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { return id }
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let id = String((0..<22).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        try Data(id.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return id
    }
}
