import Codecs
import Logging
import NIOCore
import NIOPosix
import PetrelCore

/// The running `syslog` source: a UDP socket and/or a TCP listener whose
/// messages are decoded on arrival and sent to the output in batches.
struct SyslogSource: Source {
    let config: SyslogSourceConfig
    let context: ComponentContext

    /// How often queued events are appended to the topic.
    static let flushInterval = Duration.milliseconds(10)
    /// Events queued at most; listeners wait beyond that.
    static let queueCapacity = 10_000

    typealias Datagrams = NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
    typealias Connections = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, Never>, Never>

    func run(_ output: SourceOutput) async throws {
        let batcher = RecordBatcher(capacity: Self.queueCapacity)
        let builder = SyslogEventBuilder(timeSource: context.timeSource)
        var udp: Datagrams? = nil
        var tcp: Connections? = nil
        if config.mode != .tcp { udp = try await bindUDP() }
        do {
            if config.mode != .udp { tcp = try await bindTCP() }
        } catch {
            try? await udp?.channel.close()
            throw error
        }
        let (udpChannel, tcpListener) = (udp, tcp)
        context.metrics.listening(on: config.listens)
        defer { context.metrics.stoppedListening(on: config.listens) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let udpChannel { group.addTask { try await serve(udpChannel, batcher: batcher, builder: builder) } }
            if let tcpListener { group.addTask { try await serve(tcpListener, batcher: batcher, builder: builder) } }
            group.addTask { try await batcher.run(output, interval: Self.flushInterval) }
            defer { group.cancelAll() }
            _ = try await group.next()
            // A listener or the flusher ended without being cancelled: fail, so the runtime restarts the source.
            if !Task.isCancelled {
                throw PipelineError(.startFailed, "syslog \(context.id): a listener on \(config.host):\(config.port) closed")
            }
        }
    }

    // MARK: UDP

    private func bindUDP() async throws -> Datagrams {
        do {
            return try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(
                    capacity: min(config.maxMessageBytes + 1, 65_536)))
                .bind(host: config.host, port: config.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try Datagrams(wrappingChannelSynchronously: channel) }
                }
        } catch {
            throw PipelineError(.startFailed, "syslog \(context.id): cannot listen on udp \(config.host):\(config.port)",
                                cause: error)
        }
    }

    private func serve(_ channel: Datagrams, batcher: RecordBatcher, builder: SyslogEventBuilder) async throws {
        context.logger.info("syslog listening", metadata: ["address": "udp \(config.host):\(config.port)"])
        try await channel.executeThenClose { inbound, _ in
            for try await datagram in inbound {
                let peer = datagram.remoteAddress.ipAddress
                let size = datagram.data.readableBytes
                if size > config.maxMessageBytes {
                    context.metrics.error("syslog: datagram from \(peer ?? "?") is over max_message_bytes "
                                          + "(\(config.maxMessageBytes)); dropped")
                    context.metrics.discarded(1)
                    continue
                }
                try await accept(datagram.data, peer: peer, batcher: batcher, builder: builder, transport: "udp")
            }
        }
    }

    // MARK: TCP

    private func bindTCP() async throws -> Connections {
        let framing = SyslogFraming(mode: config.framing, maxMessageBytes: config.maxMessageBytes)
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: config.host, port: config.port) { child in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(SyslogFrameDecoder(framing)))
                        return try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: child)
                    }
                }
        } catch {
            throw PipelineError(.startFailed, "syslog \(context.id): cannot listen on tcp \(config.host):\(config.port)",
                                cause: error)
        }
    }

    private func serve(_ listener: Connections, batcher: RecordBatcher, builder: SyslogEventBuilder) async throws {
        context.logger.info("syslog listening", metadata: ["address": "tcp \(config.host):\(config.port)"])
        try await withThrowingDiscardingTaskGroup { group in
            defer { group.cancelAll() }
            try await listener.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask { await serve(connection, batcher: batcher, builder: builder) }
                }
            }
        }
    }

    /// Reads one connection's frames until the peer closes, the task is
    /// cancelled, or a frame is bad (counted; the connection is closed because
    /// the stream cannot be resynchronised).
    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, Never>, batcher: RecordBatcher,
                       builder: SyslogEventBuilder) async {
        let peer = connection.channel.remoteAddress?.ipAddress
        do {
            try await connection.executeThenClose { inbound, _ in
                for try await frame in inbound {
                    try await accept(frame, peer: peer, batcher: batcher, builder: builder, transport: "tcp")
                }
            }
        } catch is CancellationError {
        } catch let error as CodecError {
            context.metrics.error("syslog: closing tcp connection from \(peer ?? "?"): \(error.message)")
        } catch {
            context.logger.debug("syslog connection closed with an error",
                                 metadata: ["peer": "\(peer ?? "?")", "error": "\(error)"])
        }
    }

    // MARK: Messages

    private func accept(_ bytes: ByteBuffer, peer: String?, batcher: RecordBatcher, builder: SyslogEventBuilder,
                        transport: String) async throws {
        let (event, failure) = bytes.withUnsafeReadableBytes { builder.event($0, peer: peer) }
        if let failure {
            context.metrics.error("syslog: unparsable message over \(transport) from \(peer ?? "?") "
                                  + "(kept as raw text): \(failure.message)")
        }
        try await batcher.add(event.record(), bytes: bytes.readableBytes)
    }
}

/// The channel handler side of `SyslogFraming`: passes on one `ByteBuffer` per message.
struct SyslogFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    let framing: SyslogFraming

    init(_ framing: SyslogFraming) {
        self.framing = framing
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try buffer.withUnsafeReadableBytes({ try framing.next($0) }) else { return .needMoreData }
        emit(frame, from: &buffer, context: context)
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer,
                             seenEOF: Bool) throws -> DecodingState {
        while let frame = try buffer.withUnsafeReadableBytes({ try framing.last($0) }) {
            emit(frame, from: &buffer, context: context)
        }
        return .needMoreData
    }

    private func emit(_ frame: SyslogFraming.Frame, from buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        let message = buffer.getSlice(at: buffer.readerIndex + frame.start, length: frame.length)!
        buffer.moveReaderIndex(forwardBy: frame.consumed)
        context.fireChannelRead(wrapInboundOut(message))
    }
}
