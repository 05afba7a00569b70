import PetrelCore
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import LogStorage

/// A throughput measurement, off by default: run with
/// `PETREL_LOG_BENCH=1 swift test -c release --filter AppendThroughput`.
/// It prints figures and checks only that the data arrived; it is not a timed test.
@Suite struct AppendThroughputTests {
    @Test("appending 1 KiB records in batches of 1000 (measurement)",
          .enabled(if: getenv("PETREL_LOG_BENCH") != nil))
    func appendThroughput() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path, fsync: .never)
        let value = [UInt8](repeating: 0x61, count: 1024)
        let records = (0..<1000).map { Record(timestamp: 1_700_000_000_000 + Int64($0), value: value) }
        let batches = 256
        let start = monotonicNanos()
        for _ in 0..<batches { _ = try await log.append(records) }
        let seconds = Double(monotonicNanos() - start) / 1e9
        print("append, fsync never: \(Int(Double(log.sizeBytes) / 1_048_576 / seconds)) MiB/s, \(Int(Double(batches * 1000) / seconds)) records/s")
        #expect(log.logEndOffset == Int64(batches * 1000))
    }
}
