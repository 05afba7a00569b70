import CNIOLinux
import Glibc
import NIOCore
import NIOPosix
import Synchronization

/// A UDP socket read by one dedicated thread with `recvmmsg`: each call
/// fills a fixed set of buffers with up to `batchCount` datagrams and hands
/// them to the listener as one `DatagramBatch`, so a busy listener pays one
/// system call, one lock and one counter update per batch, not per packet,
/// and nothing is allocated per datagram.
///
/// Why not a NIO `DatagramChannel`: NIO wraps every datagram in an
/// `AddressedEnvelope` with a boxed sender address and sends it through the
/// channel pipeline, which at a few hundred thousand packets a second costs
/// as much CPU as the parsing. Memory is fixed: the buffers are allocated
/// once; when the listener falls behind, datagrams wait in the kernel's
/// socket buffer (`receiveBufferBytes`) and beyond it are dropped by the
/// kernel (`Udp: RcvbufErrors` in /proc/net/snmp).
final class DatagramReceiver: Sendable {
    struct Options: Sendable {
        /// The largest datagram read whole; longer ones arrive truncated and are flagged.
        var maxDatagramBytes = 8192
        /// Datagrams read per `recvmmsg` call.
        var batchCount = 64
        /// SO_RCVBUF asked for (SO_RCVBUFFORCE first, which may exceed net.core.rmem_max).
        var receiveBufferBytes = 8 << 20
    }

    let options: Options
    /// The socket's receive buffer as the kernel reports it (SO_RCVBUF; Linux
    /// doubles the request for its bookkeeping, and caps it at rmem_max
    /// unless the process may force it).
    let receiveBufferBytes: Int
    private let fd: Int32
    private let stopping = Atomic<Bool>(false)

    /// Opens and binds the socket; throws `PipelineError(.startFailed)` naming the address.
    init(host: String, port: Int, options: Options) throws {
        self.options = options
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            throw PipelineError(.startFailed, "udp: cannot resolve \(host):\(port)", cause: error)
        }
        let family: Int32 = if case .v6 = address { AF_INET6 } else { AF_INET }
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket()", host, port) }
        // No SO_REUSEADDR: on UDP it would let a second socket share the port silently.
        var size = Int32(clamping: options.receiveBufferBytes)
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        // Wake up regularly so a stop request is seen even when no datagram arrives.
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bound: Int32 = -1
        switch address {
        case .v4(let v4):
            var raw = v4.address
            bound = withUnsafePointer(to: &raw) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let v6):
            var raw = v6.address
            bound = withUnsafePointer(to: &raw) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        default:
            break
        }
        guard bound == 0 else {
            let error = Self.failure("bind()", host, port)
            close(fd)
            throw error
        }
        var effective: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &effective, &length)
        self.receiveBufferBytes = Int(effective)
        self.fd = fd
    }

    deinit { close(fd) }

    /// The port the socket is bound to (useful after binding port 0).
    var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { return 0 }
        return Int(DatagramBatch.port(of: storage))
    }

    /// Reads on a dedicated thread and calls `listener` with every batch
    /// until the task is cancelled. Throws when the socket fails.
    func run(_ listener: @escaping @Sendable (borrowing DatagramBatch) -> Void) async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        try await withTaskCancellationHandler {
            try await pool.runIfActive { [self] in try receiveLoop(listener) }
        } onCancel: {
            stopping.store(true, ordering: .relaxed)
            shutdown(fd, Int32(SHUT_RD))
        }
    }

    private func receiveLoop(_ listener: (borrowing DatagramBatch) -> Void) throws {
        var batch = DatagramBatch(count: options.batchCount, datagramBytes: options.maxDatagramBytes)
        while !stopping.load(ordering: .relaxed) {
            batch.prepare()
            let received = CNIOLinux_recvmmsg(fd, batch.headers, UInt32(options.batchCount),
                                              0x10000 /* MSG_WAITFORONE */, nil)
            if received > 0 {
                batch.count = Int(received)
                // A read woken by `shutdown` on stop returns an empty message: not a datagram.
                if stopping.load(ordering: .relaxed) { batch.dropTrailingEmpty() }
                if batch.count > 0 { listener(batch) }
                continue
            }
            if stopping.load(ordering: .relaxed) { break }
            let code = errno
            if received == 0 || code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
            throw PipelineError(.startFailed, "udp: reading the socket failed (recvmmsg): \(String(cString: strerror(code)))")
        }
    }

    private static func failure(_ call: String, _ host: String, _ port: Int) -> PipelineError {
        PipelineError(.startFailed, "udp: cannot listen on \(host):\(port): \(call): \(String(cString: strerror(errno)))")
    }
}
