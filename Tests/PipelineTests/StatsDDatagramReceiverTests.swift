import Glibc
import Synchronization
import Testing
@testable import Pipeline

/// The shared UDP reader and the statsd source's use of it, over a real loopback socket.
@Suite struct StatsDDatagramReceiverTests {
    /// Sends `payloads` as datagrams to 127.0.0.1:`port`.
    func send(_ payloads: [[UInt8]], to port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        for payload in payloads {
            _ = withUnsafePointer(to: &address) { to in
                to.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// Polls `condition` for at most 60 s: a guard against hanging, not a time budget.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("datagrams arrive in batches with their bytes and sender; longer ones are flagged as cut")
    func batches() async throws {
        let receiver = try DatagramReceiver(host: "127.0.0.1", port: 0,
                                            options: .init(maxDatagramBytes: 64, batchCount: 8, receiveBufferBytes: 1 << 20))
        #expect(receiver.localPort > 0)
        #expect(receiver.receiveBufferBytes > 0)
        let seen = Mutex<[(String, Bool, String)]>([])
        let task = Task {
            try await receiver.run { batch in
                var got: [(String, Bool, String)] = []
                for i in 0..<batch.count {
                    got.append((String(decoding: batch.bytes(i), as: UTF8.self), batch.isTruncated(i), batch.sender(i)))
                }
                seen.withLock { $0 += got }
            }
        }
        let payloads = (0..<20).map { Array("m\($0):1|c".utf8) } + [Array(repeating: UInt8(ascii: "x"), count: 100)]
        send(payloads, to: receiver.localPort)
        #expect(try await eventually { seen.withLock { $0.count } == 21 })
        task.cancel()
        try await task.value
        let all = seen.withLock { $0 }
        #expect(all.count == 21)
        #expect(all.prefix(20).map(\.0) == (0..<20).map { "m\($0):1|c" })
        #expect(all.prefix(20).allSatisfy { !$0.1 })
        #expect(all.last?.1 == true)
        #expect(all.last?.0.count == 64)
        #expect(all.first?.2.hasPrefix("127.0.0.1:") == true)
    }

    @Test("a second receiver on a taken port fails to start with the address in the message")
    func portTaken() throws {
        let first = try DatagramReceiver(host: "127.0.0.1", port: 0, options: .init())
        var second: DatagramReceiver? = nil
        #expect(throws: PipelineError.self) {
            second = try DatagramReceiver(host: "127.0.0.1", port: first.localPort, options: .init())
        }
        _ = second
    }

    @Test("the statsd ingest counts a batch's metrics, bad lines, events and cut datagrams")
    func ingestBatch() async throws {
        let metrics = ComponentMetrics(id: "s", kind: .source, type: "statsd")
        let ingest = StatsDIngest(settings: StatsDSettings(), metrics: metrics)
        let receiver = try DatagramReceiver(host: "127.0.0.1", port: 0,
                                            options: .init(maxDatagramBytes: 64, batchCount: 4, receiveBufferBytes: 1 << 20))
        let task = Task { try await receiver.run { ingest.ingest($0) } }
        send([Array("a:1|c\nb:2|g:3|g".utf8), Array("bad line".utf8), Array("_e{1,1}:t|x\n_sc|up|0".utf8),
              Array(repeating: UInt8(ascii: "y"), count: 200)], to: receiver.localPort)
        #expect(try await eventually { metrics.snapshot.eventsIn == 7 })
        task.cancel()
        try await task.value
        let snapshot = metrics.snapshot
        #expect(snapshot.errors == 2)
        #expect(snapshot.dropped == 4)
        let flushed = ingest.flush(timestampNanos: 1)
        #expect(flushed.count == 2)
    }
}
