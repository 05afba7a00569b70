import KafkaProtocol
import NIOCore

/// Splits the byte stream into request frames (int32 size + bytes). A
/// negative or too large size is an error, which closes the connection.
struct KafkaFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maxFrameBytes: Int
    let metrics: BrokerMetrics

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 0, Int(size) <= maxFrameBytes else {
            metrics.badFrame(reason: size < 0 ? "negative_size" : "too_large")
            throw KafkaProtocolError(.invalidValue, "request frame size \(size) is outside 0...\(maxFrameBytes)")
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let frame = buffer.readSlice(length: Int(size))!
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { metrics.badFrame(reason: "truncated") }
        buffer.clear()
        return .needMoreData
    }
}
