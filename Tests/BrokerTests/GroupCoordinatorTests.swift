import KafkaProtocol
import PetrelCore
import Testing
@testable import Broker

@Suite("group coordinator membership")
struct GroupCoordinatorTests {
    @Test("a single member joins in two steps, leads, and gets its own assignment")
    func singleMember() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let id = await f.newMemberId()
        let joined = await f.coordinator.join(f.joinRequest(id))
        #expect(joined.error == .none)
        #expect(joined.generationId == 1 && joined.leader == id && joined.protocolName == "range")
        #expect(joined.members == [JoinGroupMember(memberId: id, groupInstanceId: nil, metadata: [1])])
        #expect(await f.state() == .completingRebalance)
        let synced = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 1, memberId: id,
                                                               assignments: [id: [9, 9]]))
        #expect(synced.error == .none && synced.assignment == [9, 9] && synced.protocolType == "consumer")
        #expect(await f.state() == .stable)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: id) == .none)
        let described = await f.coordinator.describe(groupIds: ["g"])[0]
        #expect(described.protocolName == "range" && described.members.map(\.assignment) == [[9, 9]])
    }

    @Test("a second member triggers a rebalance; the leader gets both and the follower waits for the leader's sync")
    func twoMembers() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let a = await f.newMemberId(client: "a")
        _ = await f.coordinator.join(f.joinRequest(a, client: "a"))
        _ = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 1, memberId: a, assignments: [a: [1]]))
        let b = await f.newMemberId(client: "b")
        let bJoin = Task { await f.coordinator.join(f.joinRequest(b, client: "b")) }
        try await f.waitFor(.preparingRebalance)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a) == .rebalanceInProgress)
        let aJoined = await f.coordinator.join(f.joinRequest(a, client: "a"))
        let bJoined = await bJoin.value
        #expect(aJoined.generationId == 2 && bJoined.generationId == 2)
        #expect(aJoined.leader == a && bJoined.leader == a)
        #expect(Set(aJoined.members.map(\.memberId)) == [a, b])
        #expect(bJoined.members.isEmpty)
        let bSync = Task { await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 2, memberId: b)) }
        try await Task.sleep(for: .milliseconds(20))
        #expect(await f.state() == .completingRebalance)
        let aSync = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 2, memberId: a,
                                                              assignments: [a: [1], b: [2]]))
        #expect(aSync.assignment == [1])
        #expect(await bSync.value.assignment == [2])
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: b) == .illegalGeneration)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 2, memberId: "nobody") == .unknownMemberId)
        #expect(await f.coordinator.heartbeat(groupId: "other", generationId: 2, memberId: b) == .unknownMemberId)
    }

    @Test("the protocol is one every member supports, chosen by the members' preferences")
    func protocolSelection() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let both = [GroupProtocol(name: "range", metadata: [1]), GroupProtocol(name: "roundrobin", metadata: [2])]
        let a = await f.newMemberId(client: "a")
        let aJoin = Task { await f.coordinator.join(f.joinRequest(a, protocols: both)) }
        _ = await aJoin.value
        let b = await f.newMemberId(client: "b")
        let bJoin = Task { await f.coordinator.join(f.joinRequest(b, protocols: [GroupProtocol(name: "roundrobin", metadata: [3])])) }
        try await f.waitFor(.preparingRebalance)
        let aJoined = await f.coordinator.join(f.joinRequest(a, protocols: both))
        _ = await bJoin.value
        #expect(aJoined.protocolName == "roundrobin")
        #expect(aJoined.members.map(\.metadata).sorted { $0[0] < $1[0] } == [[2], [3]])
        let refused = await f.coordinator.join(f.joinRequest(protocols: [GroupProtocol(name: "sticky", metadata: [])]))
        #expect(refused.error == .inconsistentGroupProtocol)
    }

    @Test("a member that does not rejoin before the rebalance timeout is removed")
    func rebalanceTimeout() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let a = await f.newMemberId(client: "a")
        _ = await f.coordinator.join(f.joinRequest(a))
        let b = await f.newMemberId(client: "b")
        let bJoin = Task { await f.coordinator.join(f.joinRequest(b)) }
        try await f.waitFor(.preparingRebalance)
        _ = await f.coordinator.heartbeat(groupId: "g", generationId: 1, memberId: a)
        f.clock.advance(millis: 30_001)
        await f.coordinator.expire()
        let bJoined = await bJoin.value
        #expect(bJoined.error == .none && bJoined.generationId == 2 && bJoined.leader == b)
        #expect(bJoined.members.map(\.memberId) == [b])
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 2, memberId: a) == .unknownMemberId)
    }

    @Test("a member whose session times out is removed and the others rebalance")
    func sessionTimeout() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let (a, b) = try await f.twoMembers()
        let bSync = Task { await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 2, memberId: b)) }
        _ = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 2, memberId: a, assignments: [a: [1], b: [2]]))
        _ = await bSync.value
        f.clock.advance(millis: 6_000)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 2, memberId: a) == .none)
        f.clock.advance(millis: 4_500)
        await f.coordinator.expire()
        #expect(await f.state() == .preparingRebalance)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 2, memberId: a) == .rebalanceInProgress)
        let rejoined = await f.coordinator.join(f.joinRequest(a))
        #expect(rejoined.generationId == 3 && rejoined.members.map(\.memberId) == [a])
    }

    @Test("leaving triggers a rebalance; the last member leaving empties the group")
    func leave() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let (a, b) = try await f.twoMembers()
        let left = await f.coordinator.leave(groupId: "g", members: [LeavingMember(memberId: b), LeavingMember(memberId: "x")])
        #expect(left.members.map(\.error) == [.none, .unknownMemberId])
        #expect(await f.state() == .preparingRebalance)
        let rejoined = await f.coordinator.join(f.joinRequest(a))
        #expect(rejoined.generationId == 3 && rejoined.members.map(\.memberId) == [a])
        _ = await f.coordinator.leave(groupId: "g", members: [LeavingMember(memberId: a)])
        #expect(await f.state() == .empty)
        #expect(await f.coordinator.leave(groupId: "nope", members: [LeavingMember(memberId: a)]).members[0].error == .unknownMemberId)
    }

    @Test("rebalances in a row, as cooperative assignors do, each complete with a new generation")
    func cooperativeRounds() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let (a, b) = try await f.twoMembers()
        var generation: Int32 = 2
        var bMetadata: UInt8 = 1
        for round in 0..<3 {
            let current = generation
            let bSync = Task { await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: current, memberId: b)) }
            let aSync = await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: generation, memberId: a,
                                                                  assignments: [a: [UInt8(round)], b: [UInt8(round + 10)]]))
            #expect(aSync.error == .none)
            #expect(await bSync.value.assignment == [UInt8(round + 10)])
            // The follower revoked partitions: its subscription metadata changed, so it rejoins.
            bMetadata += 1
            let metadata = bMetadata
            let bJoin = Task { await f.coordinator.join(f.joinRequest(b, protocols: [GroupProtocol(name: "range", metadata: [metadata])])) }
            try await f.waitForParkedJoins(1)
            #expect(await f.coordinator.heartbeat(groupId: "g", generationId: generation, memberId: a) == .rebalanceInProgress)
            let aJoined = await f.coordinator.join(f.joinRequest(a))
            #expect(aJoined.generationId == generation + 1)
            #expect(aJoined.members.first { $0.memberId == b }?.metadata == [bMetadata])
            generation = await bJoin.value.generationId
        }
        #expect(generation == 5)
    }

    @Test("the first rebalance of an empty group waits for the initial delay")
    func initialDelay() async throws {
        let f = try GroupFixture(initialDelayMs: 3_000); defer { f.cleanup() }
        let a = await f.newMemberId(client: "a")
        let aJoin = Task { await f.coordinator.join(f.joinRequest(a)) }
        try await f.waitForParkedJoins(1)
        let b = await f.newMemberId(client: "b")
        let bJoin = Task { await f.coordinator.join(f.joinRequest(b)) }
        try await f.waitForParkedJoins(2)
        f.clock.advance(millis: 2_000)
        await f.coordinator.expire()
        #expect(await f.state() == .preparingRebalance)
        f.clock.advance(millis: 1_001)
        await f.coordinator.expire()
        let aJoined = await aJoin.value
        #expect(aJoined.generationId == 1 && aJoined.members.count == 2)
        #expect(await bJoin.value.generationId == 1)
    }

    @Test("bad joins are refused with Kafka's errors")
    func joinErrors() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        #expect(await f.coordinator.join(f.joinRequest(group: "")).error == .invalidGroupId)
        #expect(await f.coordinator.join(f.joinRequest(session: 10)).error == .invalidSessionTimeout)
        #expect(await f.coordinator.join(f.joinRequest("ghost")).error == .unknownMemberId)
        #expect(await f.coordinator.sync(SyncGroupRequest(groupId: "g", generationId: 1, memberId: "ghost")).error == .unknownMemberId)
    }

    @Test("a restarted static member replaces its old id")
    func staticMember() async throws {
        let f = try GroupFixture(); defer { f.cleanup() }
        let first = await f.coordinator.join(f.joinRequest(instance: "i-1"))
        #expect(first.error == .none && first.generationId == 1)
        let second = await f.coordinator.join(f.joinRequest(instance: "i-1"))
        #expect(second.error == .none && second.generationId == 2 && second.memberId != first.memberId)
        #expect(await f.coordinator.heartbeat(groupId: "g", generationId: 2, memberId: first.memberId) == .unknownMemberId)
        #expect(await f.coordinator.describe(groupIds: ["g"])[0].members.map(\.groupInstanceId) == ["i-1"])
    }
}
