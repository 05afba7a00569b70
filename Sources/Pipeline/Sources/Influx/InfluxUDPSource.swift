import Codecs
import NIOCore
import NIOPosix
import PetrelCore
import Synchronization

/// The running `influx_udp` source. The reader validates each datagram and
/// adds its good lines to a shared batch; a full batch is written by the
/// reader itself (so a slow topic slows reading and the kernel's socket
/// buffer, not Petrel's memory, absorbs the burst), and a flusher writes
/// whatever waited longer than `flush_interval`.
struct InfluxUDPSource: Source {
    let config: InfluxUDPSourceConfig
    let timeSource: any TimeSource
    let metrics: ComponentMetrics

    /// The largest datagram read (the largest UDP payload).
    static let maxDatagram = 65_507

    func run(_ output: SourceOutput) async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Self.maxDatagram))
            .bind(host: config.host, port: config.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        metrics.listening(on: config.listens)
        defer { metrics.stoppedListening(on: config.listens) }
        let batch = SharedState(LineBatch(limit: config.batchBytes))
        try await channel.executeThenClose { inbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(config.flushIntervalMs))
                        try await flush(batch.value.withLock { $0.take() }, output)
                    }
                }
                group.addTask {
                    var reader = DatagramLines(precision: config.precision)
                    for try await envelope in inbound {
                        let nowNanos = timeSource.nowNanos()
                        let (lines, count) = envelope.data.withUnsafeReadableBytes {
                            reader.goodLines(of: $0, receivedNanos: nowNanos, metrics: metrics)
                        }
                        guard count > 0 else { continue }
                        let full = batch.value.withLock { $0.add(lines, count: count, receivedNanos: nowNanos) }
                        if full { try await flush(batch.value.withLock { $0.take() }, output) }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    private func flush(_ taken: LineBatch.Taken?, _ output: SourceOutput) async throws {
        guard let taken else { return }
        try await output.sendMetrics(lineProtocol: taken.lines, precision: config.precision,
                                     timestampMillis: taken.firstNanos / 1_000_000, events: taken.count)
    }
}

/// Checks one datagram's lines; owned by the reading task.
struct DatagramLines {
    let precision: Precision
    private var parser = LineProtocolParser(options: LineProtocolOptions())

    init(precision: Precision) { self.precision = precision }

    /// The valid lines of `datagram` joined by newlines, lines without a
    /// timestamp given the receive time; bad lines are counted in `metrics`.
    mutating func goodLines(of datagram: UnsafeRawBufferPointer, receivedNanos: Int64,
                            metrics: ComponentMetrics) -> (lines: [UInt8], count: Int) {
        let stamp = " " + String(receivedNanos / precision.nanosPerUnit)
        var out: [UInt8] = []
        out.reserveCapacity(datagram.count + 32)
        var count = 0
        let summary = parser.parse(datagram, precision: precision, defaultTimestamp: receivedNanos) { line in
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            out.append(contentsOf: line.raw)
            if !line.hasTimestamp { out += stamp.utf8 }
            count += 1
        }
        metrics.received(events: summary.accepted + summary.rejected, bytes: datagram.count)
        if let error = summary.firstError {
            metrics.error("influx_udp datagram: \(error.influxDescription) (line \(error.line))", count: summary.rejected)
            metrics.discarded(summary.rejected)
        }
        return (out, count)
    }
}

/// Valid lines waiting to be written, joined by newlines.
struct LineBatch: Sendable {
    struct Taken {
        var lines: [UInt8]
        var count: Int
        var firstNanos: Int64
    }

    let limit: Int
    private var lines: [UInt8] = []
    private var count = 0
    private var firstNanos: Int64 = 0

    init(limit: Int) { self.limit = limit }

    /// Adds checked lines; returns whether the batch should be written now.
    mutating func add(_ more: [UInt8], count added: Int, receivedNanos: Int64) -> Bool {
        if count == 0 { firstNanos = receivedNanos }
        if !lines.isEmpty { lines.append(UInt8(ascii: "\n")) }
        lines += more
        count += added
        return lines.count >= limit
    }

    /// The batch so far, or nil when empty; the batch starts over.
    mutating func take() -> Taken? {
        guard count > 0 else { return nil }
        defer {
            lines = []
            count = 0
        }
        return Taken(lines: lines, count: count, firstNanos: firstNanos)
    }
}
