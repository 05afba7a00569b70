import Logging
import NIOCore
import NIOPosix
import PetrelCore

/// The running `statsd` source: binds its listeners, then flushes the
/// aggregate every interval as one metrics record. UDP is read by a
/// `DatagramReceiver` (one thread, `recvmmsg` batches); TCP by NIO.
struct StatsDSource: Source {
    let config: StatsDSourceConfig
    let ingest: StatsDIngest
    let timeSource: any TimeSource
    let logger: Logger
    let metrics: ComponentMetrics

    /// Datagrams read per `recvmmsg` call.
    static let vectorReadCount = 64

    func run(_ output: SourceOutput) async throws {
        var receiver: DatagramReceiver? = nil
        var channel: (any Channel)? = nil
        do {
            if config.transport != .tcp {
                let options = DatagramReceiver.Options(maxDatagramBytes: config.maxPacketBytes,
                                                       batchCount: Self.vectorReadCount,
                                                       receiveBufferBytes: config.readBufferBytes)
                receiver = try DatagramReceiver(host: config.host, port: config.port, options: options)
            }
            if config.transport != .udp { channel = try await bindTCP() }
        } catch {
            throw PipelineError(.startFailed, "statsd: cannot listen on \(config.host):\(config.port)",
                                cause: error)
        }
        var metadata: Logger.Metadata = ["address": "\(config.host):\(config.port)",
                                         "protocol": "\(config.transport.rawValue)"]
        if let receiver {
            metadata["receive_buffer_bytes"] = "\(receiver.receiveBufferBytes)"
            if receiver.receiveBufferBytes < config.readBufferBytes {
                logger.warning("""
                    statsd: UDP receive buffer is smaller than read_buffer_bytes (the kernel caps it at \
                    net.core.rmem_max); bursts may be dropped by the kernel
                    """,
                               metadata: ["asked": "\(config.readBufferBytes)",
                                          "got": "\(receiver.receiveBufferBytes)"])
            }
        }
        logger.info("statsd listening", metadata: metadata)
        metrics.listening(on: config.listens)
        defer { metrics.stoppedListening(on: config.listens) }
        let udp = receiver
        let ingest = self.ingest
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let udp { group.addTask { try await udp.run { ingest.ingest($0) } } }
                group.addTask {
                    while true {
                        try await Task.sleep(for: .milliseconds(config.flushIntervalMillis))
                        try await flush(output)
                    }
                }
                defer { group.cancelAll() }
                _ = try await group.next()
                if !Task.isCancelled {
                    throw PipelineError(.startFailed, "statsd: the UDP listener on \(config.host):\(config.port) stopped")
                }
            }
        } catch {
            try? await channel?.close()
            // Whatever arrived since the last flush is still sent on the way out.
            try? await flush(output)
            if !(error is CancellationError) && !Task.isCancelled { throw error }
            return
        }
        try? await channel?.close()
        try? await flush(output)
    }

    private func flush(_ output: SourceOutput) async throws {
        let now = timeSource.nowNanos()
        let batch = ingest.flush(timestampNanos: now)
        try await output.sendMetrics(lineProtocol: batch.lines, timestampMillis: now / 1_000_000, events: batch.count)
    }

    private func bindTCP() async throws -> any Channel {
        let ingest = self.ingest
        let maxLine = config.maxPacketBytes
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(StatsDLineFramer(maxLineBytes: maxLine)))
                    try channel.pipeline.syncOperations.addHandler(StatsDStreamHandler(ingest: ingest))
                }
            }
            .bind(host: config.host, port: config.port).get()
    }
}
