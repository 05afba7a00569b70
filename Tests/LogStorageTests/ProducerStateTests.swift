import PetrelCore
import Testing
@testable import LogStorage

/// An idempotent producer's batch of `count` records.
private func producerBatch(_ count: Int, producerId: Int64 = 7, epoch: Int16 = 0, sequence: Int32) -> [UInt8] {
    var batch: [UInt8] = []
    RecordBatch.encode(makeRecords(count), baseOffset: 0, into: &batch, producerId: producerId, producerEpoch: epoch,
                       baseSequence: sequence)
    return batch
}

private func errorCode(_ body: () async throws -> Void) async -> LogStorageError.Code? {
    do { try await body() } catch let error as LogStorageError { return error.code } catch { return nil }
    return nil
}

@Suite("idempotent producer state")
struct ProducerStateTests {
    @Test("a retried batch gets its original offsets and is not written again")
    func duplicateIsNotWritten() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        let first = producerBatch(3, sequence: 0)
        #expect(try await log.appendBatch(raw: first) == (0, 2))
        #expect(try await log.appendBatch(raw: producerBatch(2, sequence: 3)) == (3, 4))
        #expect(try await log.appendBatch(raw: first) == (0, 2))
        #expect(log.logEndOffset == 5)
    }

    @Test("only the last five batches are remembered for deduplication")
    func fiveBatchesRemembered() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        for i in 0..<6 { _ = try await log.appendBatch(raw: producerBatch(1, sequence: Int32(i))) }
        #expect(try await log.appendBatch(raw: producerBatch(1, sequence: 1)) == (1, 1))
        // Sequence 0 fell out of the window: neither a known duplicate nor the next one.
        #expect(await errorCode { _ = try await log.appendBatch(raw: producerBatch(1, sequence: 0)) } == .outOfOrderSequence)
        #expect(log.logEndOffset == 6)
    }

    @Test("a sequence gap is refused as out of order")
    func gapIsOutOfOrder() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.appendBatch(raw: producerBatch(2, sequence: 0))
        #expect(await errorCode { _ = try await log.appendBatch(raw: producerBatch(1, sequence: 5)) } == .outOfOrderSequence)
        #expect(log.logEndOffset == 2)
    }

    @Test("an older epoch is fenced; a newer one must start at sequence 0")
    func epochs() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.appendBatch(raw: producerBatch(1, epoch: 1, sequence: 0))
        #expect(await errorCode { _ = try await log.appendBatch(raw: producerBatch(1, epoch: 0, sequence: 1)) } == .invalidProducerEpoch)
        #expect(await errorCode { _ = try await log.appendBatch(raw: producerBatch(1, epoch: 2, sequence: 4)) } == .outOfOrderSequence)
        #expect(try await log.appendBatch(raw: producerBatch(1, epoch: 2, sequence: 0)) == (1, 1))
    }

    @Test("sequences wrap from Int32.max to 0")
    func sequenceWraps() async throws {
        #expect(ProducerStateTable.sequence(Int32.max, plus: 1) == 0)
        #expect(ProducerStateTable.sequence(Int32.max - 1, plus: 3) == 1)
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.appendBatch(raw: producerBatch(2, sequence: Int32.max - 1))
        #expect(try await log.appendBatch(raw: producerBatch(2, sequence: 0)) == (2, 3))
    }

    @Test("producers are independent, and batches without a producer id are never deduplicated")
    func independentProducers() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let log = try openPartition(dir.path)
        _ = try await log.appendBatch(raw: producerBatch(1, producerId: 1, sequence: 0))
        _ = try await log.appendBatch(raw: producerBatch(1, producerId: 2, sequence: 0))
        var plain: [UInt8] = []
        RecordBatch.encode(makeRecords(1), baseOffset: 0, into: &plain)
        _ = try await log.appendBatch(raw: plain)
        _ = try await log.appendBatch(raw: plain)
        #expect(log.logEndOffset == 4)
    }

    @Test("after a restart a retry is still deduplicated and a gap still refused")
    func recoveredAfterReopen() async throws {
        let dir = TemporaryDirectory(); defer { dir.cleanup() }
        let batch = producerBatch(3, sequence: 0)
        do {
            let log = try openPartition(dir.path)
            _ = try await log.appendBatch(raw: batch)
            _ = try await log.appendBatch(raw: producerBatch(1, sequence: 3))
            // No close: as after a crash.
        }
        let log = try openPartition(dir.path)
        #expect(try await log.appendBatch(raw: batch) == (0, 2))
        #expect(await errorCode { _ = try await log.appendBatch(raw: producerBatch(1, sequence: 9)) } == .outOfOrderSequence)
        #expect(try await log.appendBatch(raw: producerBatch(1, sequence: 4)) == (4, 4))
        try log.close()
        let reopened = try openPartition(dir.path)
        #expect(try await reopened.appendBatch(raw: producerBatch(1, sequence: 4)) == (4, 4))
        #expect(reopened.logEndOffset == 5)
    }
}
