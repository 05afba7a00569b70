import KafkaProtocol
import PetrelCore
import Testing
@testable import Broker

@Suite("group coordinator offsets and administration")
struct GroupOffsetsTests {
    private func commit(_ f: GroupFixture, group: String = "g", generation: Int32 = -1, member: String = "",
                        _ partitions: [(String, Int, Int64)]) async -> [KafkaErrorCode] {
        await f.coordinator.commitOffsets(OffsetCommitRequest(
            groupId: group, generationId: generation, memberId: member,
            partitions: partitions.map { OffsetCommitRequest.Partition(topic: $0.0, partition: $0.1, offset: $0.2, metadata: "m\($0.2)") }
        )).map(\.error)
    }

    /// A one-member group in generation 1, Stable.
    private func stableMember(_ f: GroupFixture) async -> String {
        let id = await f.newMemberId()
        _ = await f.coordinator.join(f.joinRequest(id))
        _ = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 1, memberId: id, assignments: [id: []]))
        return id
    }

    @Test("a member commits in its generation; other generations and strangers are refused")
    func generationChecks() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let id = await stableMember(f)
        #expect(await commit(f, generation: 1, member: id, [("t", 0, 5), ("t", 2, 9)]) == [.none, .none])
        #expect(await commit(f, generation: 0, member: id, [("t", 0, 6)]) == [.illegalGeneration])
        #expect(await commit(f, generation: 1, member: "x", [("t", 0, 6)]) == [.unknownMemberId])
        #expect(await commit(f, [("t", 0, 6)]) == [.unknownMemberId])
        #expect(await commit(f, generation: 1, member: id, [("missing", 0, 1), ("t", 7, 1)]) == [.unknownTopicOrPartition, .unknownTopicOrPartition])
        #expect(await commit(f, group: "new", generation: 3, member: "x", [("t", 0, 1)]) == [.illegalGeneration])
        let fetched = await f.coordinator.fetchOffsets(groupId: "g", topics: [("t", [0, 1, 2])])
        #expect(fetched.partitions.map(\.offset) == [5, -1, 9])
        #expect(fetched.partitions.map(\.metadata) == ["m5", "", "m9"])
        #expect(f.store.committedOffset(group: "g", topic: "t", partition: 0) == 5)
    }

    @Test("commits are refused while the leader's assignment is awaited, allowed while members rejoin")
    func commitsDuringRebalance() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let id = await f.newMemberId()
        _ = await f.coordinator.join(f.joinRequest(id))
        #expect(await commit(f, generation: 1, member: id, [("t", 0, 1)]) == [.rebalanceInProgress])
        _ = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 1, memberId: id, assignments: [:]))
        let other = await f.newMemberId(client: "o")
        let join = Task { await f.coordinator.join(f.joinRequest(other, client: "o")) }
        try await f.waitFor(.preparingRebalance)
        #expect(await commit(f, generation: 1, member: id, [("t", 0, 2)]) == [.none])
        _ = await f.coordinator.join(f.joinRequest(id))
        _ = await join.value
    }

    @Test("a consumer without group management commits with generation -1 while the group is Empty")
    func simpleConsumer() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        #expect(await commit(f, group: "simple", [("t", 1, 42)]) == [.none])
        let all = await f.coordinator.fetchOffsets(groupId: "simple", topics: nil)
        #expect(all.partitions == [FetchedOffset(topic: "t", partition: 1, offset: 42, metadata: "m42", error: .none)])
        #expect(await f.coordinator.fetchOffsets(groupId: "unknown", topics: [("t", [0])]).partitions[0].offset == -1)
        #expect(await f.coordinator.list().map(\.groupId) == ["simple"])
        #expect(await f.coordinator.describe(groupIds: ["simple"])[0].state == .empty)
    }

    @Test("lag is the high watermark minus the committed offset")
    func lag() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        _ = try await f.store.topic("t")!.partitions[0].append([Record(timestamp: 1, key: nil, value: [1]),
                                                                 Record(timestamp: 2, key: nil, value: [2])])
        _ = await commit(f, [("t", 0, 1)])
        #expect(await f.coordinator.lag(groupId: "g") == [GroupPartitionLag(topic: "t", partition: 0, committedOffset: 1, endOffset: 2, lag: 1)])
    }

    @Test("only empty groups are deleted, with their offsets")
    func deleteGroups() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        _ = await stableMember(f)
        _ = await commit(f, group: "idle", [("t", 0, 3)])
        let results = await f.coordinator.delete(groupIds: ["g", "idle", "nope"])
        #expect(results.map(\.error) == [.nonEmptyGroup, .none, .groupIdNotFound])
        #expect(f.store.committedOffset(group: "idle", topic: "t", partition: 0) == nil)
        #expect(await f.coordinator.describe(groupIds: ["idle"])[0].state == .dead)
        #expect(await f.coordinator.list().map(\.groupId) == ["g"])
    }

    @Test("ListGroups filters by state")
    func listByState() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        _ = await stableMember(f)
        _ = await commit(f, group: "idle", [("t", 0, 3)])
        #expect(await f.coordinator.list(states: [.stable]).map(\.groupId) == ["g"])
        #expect(await f.coordinator.list(states: [.empty]).map(\.groupId) == ["idle"])
        #expect(await f.coordinator.list().map(\.protocolType) == ["consumer", ""])
        #expect(GroupState(kafkaName: "stable") == .stable)
    }

    @Test("offsets of a group that stayed empty past the retention are dropped; active groups keep theirs")
    func offsetsRetention() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let id = await stableMember(f)
        _ = await commit(f, generation: 1, member: id, [("t", 0, 1)])
        _ = await commit(f, group: "idle", [("t", 0, 3)])
        try f.store.pin(group: "internal", topic: "t")
        try f.store.commitOffset(group: "internal", topic: "t", partition: 0, offset: 4)
        for _ in 0..<8 {
            f.clock.advance(millis: 24 * 3600 * 1000)
            _ = await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: id)
            await f.coordinator.expire()
        }
        #expect(f.store.committedOffset(group: "idle", topic: "t", partition: 0) == nil)
        #expect(f.store.committedOffset(group: "g", topic: "t", partition: 0) == 1)
        #expect(f.store.committedOffset(group: "internal", topic: "t", partition: 0) == 4)
    }
}
