/// Hands the coordinator's answers to parked requests: a JoinGroup or SyncGroup
/// that must wait for the rest of the group is remembered by this id.
typealias WaiterID = UInt64

/// An answer for a parked request, produced by a state change of its group.
enum GroupCompletion: Sendable, Equatable {
    case join(WaiterID, JoinGroupResult)
    case sync(WaiterID, SyncGroupResult)
}

/// One member of a classic group, as the coordinator tracks it.
struct GroupMember: Sendable {
    let memberId: String
    var groupInstanceId: String?
    var clientId: String
    var clientHost: String
    var sessionTimeoutMs: Int64
    var rebalanceTimeoutMs: Int64
    var protocolType: String
    /// In the member's order of preference.
    var protocols: [GroupProtocol]
    /// What the leader assigned in the current generation.
    var assignment: [UInt8] = []
    /// A JoinGroup parked until the rebalance completes.
    var joinWaiter: WaiterID?
    /// A SyncGroup parked until the leader syncs.
    var syncWaiter: WaiterID?
    /// The last sign of life (join, sync, heartbeat, commit), for the session timeout.
    var lastSeenMillis: Int64

    /// The member's metadata for `protocolName`; empty if it does not support it.
    func metadata(for protocolName: String?) -> [UInt8] {
        protocols.first { $0.name == protocolName }?.metadata ?? []
    }

    /// The first protocol in the member's preference order among `candidates`.
    func vote(among candidates: Set<String>) -> String? {
        protocols.first { candidates.contains($0.name) }?.name
    }

    /// Whether the session timeout has passed; members parked in a join or
    /// sync are kept, the rebalance timeout bounds them instead (as Kafka).
    func hasExpired(nowMillis: Int64) -> Bool {
        joinWaiter == nil && syncWaiter == nil && nowMillis - lastSeenMillis >= sessionTimeoutMs
    }

    /// A Kafka-style member id: the client id, a dash and a random UUID.
    static func newId(clientId: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<16).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }
        let uuid = hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
        return "\(clientId)-\(uuid)"
    }
}
