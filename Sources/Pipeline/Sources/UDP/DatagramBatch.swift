import CNIOLinux
import Glibc

/// The datagrams one `recvmmsg` call read: fixed buffers allocated once by
/// `DatagramReceiver` and reused for every call. The bytes handed out are
/// valid only while the listener runs; copy what must outlive it.
struct DatagramBatch: ~Copyable {
    /// Datagrams in this batch.
    var count = 0
    let capacity: Int
    let datagramBytes: Int
    let headers: UnsafeMutablePointer<CNIOLinux_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    private let storage: UnsafeMutableRawPointer

    init(count capacity: Int, datagramBytes: Int) {
        self.capacity = capacity
        self.datagramBytes = datagramBytes
        headers = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        addresses = .allocate(capacity: capacity)
        storage = .allocate(byteCount: capacity * datagramBytes, alignment: 16)
        for i in 0..<capacity {
            vectors[i] = iovec(iov_base: storage + i * datagramBytes, iov_len: datagramBytes)
            headers[i] = CNIOLinux_mmsghdr()
            headers[i].msg_hdr.msg_iov = vectors + i
            headers[i].msg_hdr.msg_iovlen = 1
            headers[i].msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + i)
        }
    }

    deinit {
        headers.deallocate()
        vectors.deallocate()
        addresses.deallocate()
        storage.deallocate()
    }

    /// Resets what the kernel overwrites, before the next read.
    mutating func prepare() {
        count = 0
        for i in 0..<capacity {
            headers[i].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            headers[i].msg_hdr.msg_flags = 0
        }
    }

    /// Forgets empty messages at the end of the batch.
    mutating func dropTrailingEmpty() {
        while count > 0 && headers[count - 1].msg_len == 0 { count -= 1 }
    }

    /// The bytes of datagram `i` (at most `datagramBytes`).
    @inline(__always)
    func bytes(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + i * datagramBytes,
                               count: min(Int(headers[i].msg_len), datagramBytes))
    }

    /// Whether datagram `i` was longer than `datagramBytes` and was cut.
    @inline(__always)
    func isTruncated(_ i: Int) -> Bool {
        headers[i].msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0
    }

    /// The total bytes of the batch's datagrams.
    var totalBytes: Int {
        var total = 0
        for i in 0..<count { total += Int(headers[i].msg_len) }
        return total
    }

    /// Who sent datagram `i`, as `host:port`, for error messages (allocates; not for the hot path).
    func sender(_ i: Int) -> String {
        let address = addresses[i]
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        var raw = address
        let family = Int32(address.ss_family)
        let ok: Bool = withUnsafePointer(to: &raw) { pointer in
            if family == AF_INET {
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var ip = v4.pointee.sin_addr
                    return inet_ntop(AF_INET, &ip, &text, socklen_t(text.count)) != nil
                }
            } else if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var ip = v6.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count)) != nil
                }
            }
            return false
        }
        guard ok else { return "?" }
        let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET6 ? "[\(host)]:\(Self.port(of: address))" : "\(host):\(Self.port(of: address))"
    }

    /// The port of an IPv4 or IPv6 socket address, in host order.
    static func port(of address: sockaddr_storage) -> UInt16 {
        var raw = address
        return withUnsafePointer(to: &raw) { pointer in
            pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                // sin_port and sin6_port sit at the same offset.
                UInt16(bigEndian: $0.pointee.sin_port)
            }
        }
    }
}
