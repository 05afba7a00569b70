#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import Pipeline

/// Tells from outside whether something listens on an address, for tests
/// that check a source's own report against the kernel: a TCP address when a
/// connect succeeds; a UDP address when `/proc/net/udp` or `/proc/net/udp6`
/// lists a socket bound to its port.
enum ListenProbe {
    static func isListening(_ address: ListenAddress) -> Bool {
        guard address.port > 0 else { return true }
        switch address.transport {
        case .tcp: return connects(host: address.host, port: address.port)
        case .udp: return udpBound(port: address.port)
        }
    }

    /// Whether a TCP connect to `host:port` succeeds (a wildcard host is tried on loopback).
    static func connects(host: String, port: Int) -> Bool {
        let target: String
        switch host {
        case "", "0.0.0.0": target = "127.0.0.1"
        case "::": target = "::1"
        default: target = host
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target, String(port), &hints, &list) == 0, let first = list else { return false }
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

    /// Whether the kernel lists a UDP socket bound to `port`; true when it keeps no such list.
    static func udpBound(port: Int) -> Bool {
        var sawTable = false
        for path in ["/proc/net/udp", "/proc/net/udp6"] {
            guard let table = ProcText.read(path) else { continue }
            sawTable = true
            if udpTable(table, hasPort: port) { return true }
        }
        return !sawTable
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
