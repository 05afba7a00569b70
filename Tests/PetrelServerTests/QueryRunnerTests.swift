import Foundation
import Synchronization
import Testing
@testable import PetrelServer

/// How many closures run at once, and the most seen.
final class ConcurrencyGauge: Sendable {
    let state = Mutex((now: 0, peak: 0))
    func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

@Suite struct QueryRunnerTests {
    @Test("no more queries run at once than the limit, and every one finishes with its own result")
    func concurrencyLimit() async throws {
        let runner = QueryRunner(maxConcurrency: 2)
        let gauge = ConcurrencyGauge()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask {
                    try await runner.run {
                        gauge.enter()
                        Thread.sleep(forTimeInterval: 0.02)
                        gauge.leave()
                        return i
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<8))
        #expect(gauge.peak == 2)
        #expect(runner.running == 0)
    }

    @Test("an error thrown by a query reaches the caller and frees its slot")
    func errorsPropagate() async throws {
        struct Boom: Error {}
        let runner = QueryRunner(maxConcurrency: 1)
        await #expect(throws: Boom.self) { try await runner.run { () throws -> Int in throw Boom() } }
        #expect(try await runner.run { 7 } == 7)
    }
}
