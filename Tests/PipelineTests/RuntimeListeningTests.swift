import Foundation
import Testing
import PetrelCore
import LogStorage
@testable import Pipeline

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RuntimeListeningTests {
    /// A port nothing listens on right now (bound and released by the kernel's choice).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A socket of the test's own bound to a free loopback TCP port (listening
    /// on it when `listen` is set), so a source's bind there fails; close the fd.
    static func holdPort(listen: Bool) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let port = freePort()
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0)
        if listen { try #require(Glibc.listen(fd, 4) == 0) }
        return (fd, port)
    }

    /// A runtime running one syslog source `logs` on `127.0.0.1:port` (`mode`: udp, tcp or both).
    static func startSyslog(_ fixture: RuntimeFixture, port: Int, mode: String) async throws -> PipelineRuntime {
        let config = try fixture.pipeline([
            "sources": ["logs": ["type": "syslog", "address": "127.0.0.1:\(port)", "mode": mode]],
            "sinks": ["out": ["type": "blackhole", "inputs": ["logs"]]],
        ])
        let runtime = fixture.runtime()
        await runtime.apply(config)
        return runtime
    }

    @Test func waitingReturnsOnceTCPAndUDPSourcesListen() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let port = Self.freePort()
        let runtime = try await Self.startSyslog(fixture, port: port, mode: "both")
        let missing = await runtime.waitUntilListening(timeout: .seconds(60))  // returns once both listen
        #expect(missing.isEmpty)
        #expect(ListenProbe.connects(host: "127.0.0.1", port: port))
        #expect(ListenProbe.udpBound(port: port))
        await runtime.stop()
    }

    @Test func aSourceThatCannotBindIsReportedWithoutWaitingTheWholeTimeout() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        // Hold the port so the source's bind fails.
        let (fd, port) = try Self.holdPort(listen: false)
        defer { close(fd) }
        let runtime = try await Self.startSyslog(fixture, port: port, mode: "tcp")
        let missing = await runtime.waitUntilListening(timeout: .seconds(30))
        // Given up on at once: the bind failure is the reason, not the timeout's "not listening after".
        // (A wall-clock budget proved the same until load stretched it past the budget.)
        #expect(missing.map(\.component) == ["logs"])
        #expect(missing.first.map { !$0.reason.hasPrefix("not listening after") } == true)
        #expect(missing.first?.addresses == [ListenAddress(.tcp, host: "127.0.0.1", port: port)])
        await runtime.stop()
    }

    @Test func aGraphWithoutListeningSourcesHasNothingToWaitFor() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let runtime = fixture.runtime()
        let config = try fixture.pipeline([
            "sources": ["ext": ["type": "external"]],
            "sinks": ["out": ["type": "blackhole", "inputs": ["ext"]]],
        ])
        await runtime.apply(config)
        // No listening source: nothing to wait for.
        #expect(await runtime.waitUntilListening(timeout: .milliseconds(100)).isEmpty)
        await runtime.stop()
    }

    @Test func aPortAnotherSocketListensOnDoesNotCountAsTheSources() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        // Someone else listens on the port: a connect succeeds, but the source cannot bind.
        let (fd, port) = try Self.holdPort(listen: true)
        defer { close(fd) }
        #expect(ListenProbe.connects(host: "127.0.0.1", port: port))
        let runtime = try await Self.startSyslog(fixture, port: port, mode: "tcp")
        let missing = await runtime.waitUntilListening(timeout: .seconds(30))
        #expect(missing.map(\.component) == ["logs"])
        #expect(missing.first?.addresses == [ListenAddress(.tcp, host: "127.0.0.1", port: port)])
        await runtime.stop()
    }

    @Test func aStoppedSourceNoLongerCountsAsListening() async throws {
        let fixture = try RuntimeFixture(); defer { fixture.cleanup() }
        let port = Self.freePort()
        let runtime = try await Self.startSyslog(fixture, port: port, mode: "udp")
        #expect(await runtime.waitUntilListening(timeout: .seconds(60)).isEmpty)
        let metrics = try #require(runtime.componentMetrics("logs"))
        let udp = ListenAddress(.udp, host: "127.0.0.1", port: port)
        #expect(metrics.isListening(on: udp))
        await runtime.stop()
        #expect(!metrics.isListening(on: udp))
    }
}
