#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import PetrelCore

/// The running `statsd` source: binds its listeners, then flushes the
/// aggregate every interval as one metrics record.
struct StatsDSource: Source {
    let config: StatsDSourceConfig
    let ingest: StatsDIngest
    let timeSource: any TimeSource
    let logger: Logger

    func run(_ output: SourceOutput) async throws {
        var channels: [any Channel] = []
        do {
            if config.transport != .tcp { channels.append(try await bindUDP()) }
            if config.transport != .udp { channels.append(try await bindTCP()) }
        } catch {
            for channel in channels { try? await channel.close() }
            throw PipelineError(.startFailed, "statsd: cannot listen on \(config.host):\(config.port)",
                                cause: error)
        }
        logger.info("statsd listening", metadata: ["address": "\(config.host):\(config.port)",
                                                   "protocol": "\(config.transport.rawValue)"])
        do {
            while true {
                try await Task.sleep(for: .milliseconds(config.flushIntervalMillis))
                try await flush(output)
            }
        } catch {
            for channel in channels { try? await channel.close() }
            // Whatever arrived since the last flush is still sent on the way out.
            try? await flush(output)
            if !(error is CancellationError) { throw error }
        }
    }

    private func flush(_ output: SourceOutput) async throws {
        let now = timeSource.nowNanos()
        let batch = ingest.flush(timestampNanos: now)
        try await output.sendMetrics(lineProtocol: batch.lines, timestampMillis: now / 1_000_000, events: batch.count)
    }

    private func bindUDP() async throws -> any Channel {
        // SO_RCVBUFFORCE passes rmem_max when the process may (CAP_NET_ADMIN); otherwise SO_RCVBUF, capped.
        if let channel = try? await udpBootstrap(forceBufferSize: true).bind(host: config.host, port: config.port).get() {
            return channel
        }
        return try await udpBootstrap(forceBufferSize: false).bind(host: config.host, port: config.port).get()
    }

    private func udpBootstrap(forceBufferSize: Bool) -> DatagramBootstrap {
        let ingest = self.ingest
        let bufferOption = forceBufferSize
            ? ChannelOptions.Types.SocketOption(level: .socket, name: NIOBSDSocket.Option(rawValue: 33 /* SO_RCVBUFFORCE */))
            : ChannelOptions.Types.SocketOption(level: .socket, name: .so_rcvbuf)
        return DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(bufferOption, value: SocketOptionValue(config.readBufferBytes))
            .channelOption(.maxMessagesPerRead, value: 64)
            .channelOption(.datagramVectorReadMessageCount, value: 32)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: config.maxPacketBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StatsDDatagramHandler(ingest: ingest))
                }
            }
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
