import LogStorage
import NIOCore

/// A response sent as pieces in order: encoded bytes, and runs of segment
/// files that go to the socket with sendfile instead of being copied (a large
/// Fetch's record batches, as Kafka's FileRecords do).
struct ResponseParts: Sendable {
    enum Part: Sendable {
        case bytes(ByteBuffer)
        case file(LogSlice)
    }

    private(set) var parts: [Part] = []
    /// The whole response's size on the wire, length prefix included.
    private(set) var byteCount = 0

    mutating func append(_ buffer: ByteBuffer) {
        guard buffer.readableBytes > 0 else { return }
        parts.append(.bytes(buffer))
        byteCount += buffer.readableBytes
    }

    mutating func append(_ slice: LogSlice) {
        guard slice.count > 0 else { return }
        parts.append(.file(slice))
        byteCount += slice.count
    }

    /// The whole response in one buffer, the file runs read: for callers that
    /// cannot send files (tests).
    func flattened() throws -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(byteCount)
        for part in parts {
            switch part {
            case .bytes(var buffer): out.writeBuffer(&buffer)
            case .file(let slice): out.writeBytes(try slice.read())
            }
        }
        return out
    }

    /// Writes every part to `channel` and flushes. The future completes once
    /// the last part has been written (or the write failed); until then NIO
    /// borrows each file run's descriptor, which the slice keeps open, and
    /// hands it back afterwards without closing it.
    func write(to channel: any Channel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let parts = self.parts
        guard !parts.isEmpty else {
            promise.succeed()
            return promise.futureResult
        }
        let send: @Sendable () -> Void = {
            var borrowed: [NIOFileHandle] = []
            for (i, part) in parts.enumerated() {
                let data: IOData
                switch part {
                case .bytes(let buffer):
                    data = .byteBuffer(buffer)
                case .file(let slice):
                    let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: slice.fileDescriptor)
                    borrowed.append(handle)
                    data = .fileRegion(FileRegion(fileHandle: handle, readerIndex: slice.position,
                                                  endIndex: slice.position + slice.count))
                }
                channel.write(data, promise: i == parts.count - 1 ? promise : nil)
            }
            channel.flush()
            let handles = borrowed
            promise.futureResult.whenComplete { _ in
                // The descriptors belong to the segments: give them back, keep the slices alive until now.
                for handle in handles { _ = try? handle.takeDescriptorOwnership() }
                withExtendedLifetime(parts) {}
            }
        }
        // The connection's writer usually runs on the channel's event loop already.
        if channel.eventLoop.inEventLoop { send() } else { channel.eventLoop.execute(send) }
        return promise.futureResult
    }
}
