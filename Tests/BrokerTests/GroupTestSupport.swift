import Foundation
import KafkaProtocol
import LogStorage
import Logging
import PetrelCore
import Testing
@testable import Broker

/// A coordinator over a fresh topic store in /tmp, on a manual clock.
struct GroupFixture {
    let directory: String
    let store: TopicStore
    let clock: ManualTimeSource
    let coordinator: GroupCoordinator

    init(initialDelayMs: Int64 = 0, topics: [String: Int] = ["t": 3]) throws {
        directory = "/tmp/petrel-broker-tests/\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        clock = ManualTimeSource()
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        store = try TopicStore(directory: directory, options: TopicStoreOptions(fsync: .never, timeSource: clock, logger: quiet))
        for (name, partitions) in topics { try store.createTopic(name, config: TopicConfig(partitions: partitions)) }
        coordinator = GroupCoordinator(store: store, options: GroupCoordinatorOptions(
            initialRebalanceDelayMs: initialDelayMs, timeSource: clock), logger: quiet)
    }

    func cleanup() {
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func joinRequest(_ memberId: String = "", group: String = "g", client: String = "c",
                     protocols: [GroupProtocol] = [GroupProtocol(name: "range", metadata: [1])],
                     session: Int32 = 10_000, rebalance: Int32 = 30_000, instance: String? = nil) -> JoinGroupRequest {
        JoinGroupRequest(groupId: group, sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance, memberId: memberId,
                         groupInstanceId: instance, protocolType: "consumer", protocols: protocols, clientId: client,
                         clientHost: "/127.0.0.1", requireKnownMemberId: true)
    }

    /// The v4+ two-step join: MEMBER_ID_REQUIRED, then the join with the new id.
    func newMemberId(group: String = "g", client: String = "c") async -> String {
        let first = await coordinator.join(joinRequest(group: group, client: client))
        #expect(first.error == .memberIdRequired)
        #expect(first.memberId.hasPrefix("\(client)-"))
        return first.memberId
    }

    /// Members a then b joined, both in generation 2 with a leading; the leader's SyncGroup is awaited.
    func twoMembers() async throws -> (a: String, b: String) {
        let a = await newMemberId(client: "a")
        _ = await coordinator.join(joinRequest(a, client: "a"))
        let b = await newMemberId(client: "b")
        let bJoin = Task { await coordinator.join(joinRequest(b, client: "b")) }
        try await waitForParkedJoins(1)
        let aJoined = await coordinator.join(joinRequest(a, client: "a"))
        #expect(aJoined.generationId == 2 && aJoined.leader == a)
        #expect(await bJoin.value.generationId == 2)
        return (a, b)
    }

    func state(_ group: String = "g") async -> GroupState {
        await coordinator.describe(groupIds: [group])[0].state
    }

    /// Waits (bounded) until the group reaches `state`.
    func waitFor(_ state: GroupState, group: String = "g") async throws {
        for _ in 0..<500 {
            if await self.state(group) == state { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("group \(group) never reached \(state)")
    }

    /// Waits (bounded) until every member of the group has a JoinGroup parked.
    func waitForParkedJoins(_ count: Int, group: String = "g") async throws {
        for _ in 0..<500 {
            let parked = await coordinator.groups[group]?.members.values.filter { $0.joinWaiter != nil }.count ?? 0
            if parked >= count { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("fewer than \(count) joins parked in \(group)")
    }
}
