import NIOCore

/// Reads StatsD over TCP: the framer hands over whole lines, at most
/// `maxLineBytes` each; a longer line closes the connection (there is no
/// safe place to resume), counted as an error.
final class StatsDStreamHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let ingest: StatsDIngest

    init(ingest: StatsDIngest) { self.ingest = ingest }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let chunk = unwrapInboundIn(data)
        let outcome = chunk.withUnsafeReadableBytes { ingest.ingest($0) }
        ingest.metrics.received(events: outcome.events, bytes: chunk.readableBytes)
        if outcome.errors > 0 || outcome.dropped > 0 || outcome.notStored > 0 {
            ingest.report(outcome, from: "tcp \(context.remoteAddress.map { "\($0)" } ?? "?")")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        ingest.metrics.error("statsd: tcp connection from \(context.remoteAddress.map { "\($0)" } ?? "?"): \(error)")
        context.close(promise: nil)
    }
}

/// Splits a TCP stream into chunks of whole newline-terminated lines (one
/// chunk per read, however many lines it holds); the last unterminated line
/// is passed on at end of stream.
struct StatsDLineFramer: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    struct LineTooLong: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "line longer than max_packet_bytes (\(limit))" }
    }

    let maxLineBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let lastNewline = view.lastIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLineBytes { throw LineTooLong(limit: maxLineBytes) }
            return .needMoreData
        }
        let length = lastNewline - view.startIndex + 1
        if let chunk = buffer.readSlice(length: length) {
            context.fireChannelRead(wrapInboundOut(chunk))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(rest))
        }
        return .needMoreData
    }
}
