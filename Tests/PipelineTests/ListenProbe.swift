#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import Pipeline

/// Tells from outside whether something listens on a port, for tests that
/// check a source's own report against the kernel: TCP when a connect
/// succeeds, UDP when `/proc/net/udp` or `/proc/net/udp6` lists a socket
/// bound to the port.
enum ListenProbe {
    /// Whether a TCP connect to `host:port` succeeds.
    static func connects(host: String, port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(first) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                let ok = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
                close(fd)
                if ok { return true }
            }
            entry = info.pointee.ai_next
        }
        return false
    }

    /// Whether the kernel lists a UDP socket bound to `port` (false where it keeps no such list).
    static func udpBound(port: Int) -> Bool {
        ["/proc/net/udp", "/proc/net/udp6"].contains { path in
            ProcText.read(path).map { udpTable($0, hasPort: port) } ?? false
        }
    }

    /// Whether a `/proc/net/udp`-format table has a row whose local address ends in `:port` (hex).
    static func udpTable(_ table: String, hasPort port: Int) -> Bool {
        let hex = String(port, radix: 16, uppercase: true)
        let suffix = ":" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            if columns.count > 1, columns[1].hasSuffix(suffix) { return true }
        }
        return false
    }
}
