import KafkaProtocol

/// One classic consumer group's membership state machine, as Kafka's group
/// coordinator runs it: Empty → PreparingRebalance → CompletingRebalance →
/// Stable, with generations, a leader, protocol selection by vote, and the
/// timers that bound each phase.
///
/// A plain struct with no I/O and no clock: every method takes the time and
/// returns the answers for requests parked earlier (`GroupCompletion`s), which
/// the `GroupCoordinator` actor delivers.
struct ConsumerGroup: Sendable {
    let groupId: String
    var state: GroupState = .empty
    /// When the group entered its state (for offsets retention of an Empty group).
    var stateSinceMillis: Int64
    var generationId: Int32 = 0
    var protocolType: String?
    var protocolName: String?
    var leaderId: String?
    var members: [String: GroupMember] = [:]
    /// Member ids in join order: the leader is the earliest one left.
    var memberOrder: [String] = []
    /// Ids handed out with MEMBER_ID_REQUIRED, until their session timeout.
    var pendingMembers: [String: Int64] = [:]
    /// group.instance.id → member id of static members.
    var staticMembers: [String: String] = [:]
    /// PreparingRebalance: when the join completes even if not everyone rejoined.
    var joinDeadlineMillis: Int64 = 0
    /// The first rebalance of an empty group waits for more members until then.
    var initialDelayLimitMillis: Int64?
    /// CompletingRebalance: when members that did not sync are dropped.
    var syncDeadlineMillis: Int64 = 0
    /// Rebalances started, for the rebalances counter.
    var rebalanceCount = 0

    init(groupId: String, nowMillis: Int64) {
        self.groupId = groupId
        stateSinceMillis = nowMillis
    }

    var orderedMembers: [GroupMember] { memberOrder.compactMap { members[$0] } }

    // MARK: - JoinGroup

    /// Handles a JoinGroup already checked for group id and timeouts. Returns
    /// the answer when there is one now; nil means `waiter` is parked until the
    /// join completes (its answer then comes back among the completions).
    mutating func join(_ request: JoinGroupRequest, waiter: WaiterID, options: GroupCoordinatorOptions,
                       nowMillis now: Int64) -> (JoinGroupResult?, [GroupCompletion]) {
        guard state != .dead else { return (.failure(.coordinatorNotAvailable), []) }
        guard supports(request.protocolType, request.protocols) else {
            return (.failure(.inconsistentGroupProtocol, memberId: request.memberId), [])
        }
        var completions: [GroupCompletion] = []
        if request.memberId.isEmpty {
            let newId = GroupMember.newId(clientId: request.clientId)
            if let instance = request.groupInstanceId, let old = staticMembers[instance] {
                // A static member restarted: the new id replaces (fences) the old one.
                completions += removeMember(old, error: .fencedInstanceId, nowMillis: now, rebalance: false)
            } else if request.groupInstanceId == nil && request.requireKnownMemberId {
                pendingMembers[newId] = now + Int64(request.sessionTimeoutMs)
                return (.failure(.memberIdRequired, memberId: newId), completions)
            }
            guard members.count < options.maxGroupSize else { return (.failure(.groupMaxSizeReached), completions) }
            completions += addMember(newId, request, waiter: waiter, options: options, nowMillis: now)
            return (nil, completions)
        }
        if pendingMembers.removeValue(forKey: request.memberId) != nil {
            guard members.count < options.maxGroupSize else { return (.failure(.groupMaxSizeReached), []) }
            return (nil, addMember(request.memberId, request, waiter: waiter, options: options, nowMillis: now))
        }
        guard var member = members[request.memberId] else {
            return (.failure(.unknownMemberId, memberId: request.memberId), [])
        }
        if let instance = request.groupInstanceId, staticMembers[instance] != request.memberId {
            return (.failure(.fencedInstanceId, memberId: request.memberId), [])
        }
        let unchanged = member.protocols == request.protocols
        member.protocols = request.protocols
        member.protocolType = request.protocolType
        member.sessionTimeoutMs = Int64(request.sessionTimeoutMs)
        member.rebalanceTimeoutMs = Int64(request.rebalanceTimeoutMs)
        member.clientId = request.clientId
        member.clientHost = request.clientHost
        member.lastSeenMillis = now
        switch state {
        case .empty, .dead:
            return (.failure(.unknownMemberId, memberId: request.memberId), [])
        case .completingRebalance where unchanged, .stable where unchanged && leaderId != member.memberId:
            // Nothing changed: the member gets the current generation again.
            members[member.memberId] = member
            return (joinResult(for: member.memberId), [])
        case .preparingRebalance:
            if let old = member.joinWaiter { completions.append(.join(old, .failure(.rebalanceInProgress))) }
            member.joinWaiter = waiter
            members[member.memberId] = member
            completions += tryCompleteJoin(nowMillis: now)
            return (nil, completions)
        case .completingRebalance, .stable:
            member.joinWaiter = waiter
            members[member.memberId] = member
            completions += prepareRebalance(options: options, nowMillis: now)
            completions += tryCompleteJoin(nowMillis: now)
            return (nil, completions)
        }
    }

    /// Whether a member with these protocols may join: the type must match and
    /// one of its protocols must be one every current member supports.
    private func supports(_ type: String, _ protocols: [GroupProtocol]) -> Bool {
        guard !type.isEmpty, !protocols.isEmpty else { return false }
        guard !members.isEmpty else { return true }
        guard type == protocolType else { return false }
        return protocols.contains { candidateProtocols.contains($0.name) }
    }

    /// Protocols every member supports.
    private var candidateProtocols: Set<String> {
        var candidates: Set<String>?
        for member in members.values {
            let names = Set(member.protocols.map(\.name))
            candidates = candidates.map { $0.intersection(names) } ?? names
        }
        return candidates ?? []
    }

    private mutating func addMember(_ memberId: String, _ request: JoinGroupRequest, waiter: WaiterID,
                                    options: GroupCoordinatorOptions, nowMillis now: Int64) -> [GroupCompletion] {
        let member = GroupMember(memberId: memberId, groupInstanceId: request.groupInstanceId, clientId: request.clientId,
                                 clientHost: request.clientHost, sessionTimeoutMs: Int64(request.sessionTimeoutMs),
                                 rebalanceTimeoutMs: Int64(request.rebalanceTimeoutMs),
                                 protocolType: request.protocolType, protocols: request.protocols,
                                 joinWaiter: waiter, lastSeenMillis: now)
        if members.isEmpty { protocolType = request.protocolType }
        members[memberId] = member
        memberOrder.append(memberId)
        if let instance = request.groupInstanceId { staticMembers[instance] = memberId }
        if leaderId == nil { leaderId = memberId }
        var completions: [GroupCompletion] = []
        if state == .preparingRebalance {
            if let limit = initialDelayLimitMillis {
                joinDeadlineMillis = min(now + options.initialRebalanceDelayMs, limit)
            }
        } else {
            completions += prepareRebalance(options: options, nowMillis: now)
        }
        completions += tryCompleteJoin(nowMillis: now)
        return completions
    }

    /// Starts a rebalance: parked syncs are told REBALANCE_IN_PROGRESS, every
    /// member must rejoin before the longest rebalance timeout.
    mutating func prepareRebalance(options: GroupCoordinatorOptions, nowMillis now: Int64) -> [GroupCompletion] {
        var completions: [GroupCompletion] = []
        if state == .completingRebalance {
            for id in memberOrder {
                if let waiter = members[id]?.syncWaiter {
                    completions.append(.sync(waiter, .failure(.rebalanceInProgress)))
                    members[id]?.syncWaiter = nil
                }
                members[id]?.assignment = []
            }
        }
        let wasEmpty = state == .empty
        let rebalanceTimeout = members.values.map(\.rebalanceTimeoutMs).max() ?? 0
        transition(to: .preparingRebalance, nowMillis: now)
        rebalanceCount += 1
        if wasEmpty && options.initialRebalanceDelayMs > 0 {
            initialDelayLimitMillis = now + rebalanceTimeout
            joinDeadlineMillis = now + min(options.initialRebalanceDelayMs, rebalanceTimeout)
        } else {
            initialDelayLimitMillis = nil
            joinDeadlineMillis = now + rebalanceTimeout
        }
        return completions
    }

    /// Completes the join when every member rejoined (and no initial delay
    /// runs) or the deadline passed.
    mutating func tryCompleteJoin(nowMillis now: Int64) -> [GroupCompletion] {
        guard state == .preparingRebalance else { return [] }
        let allJoined = pendingMembers.isEmpty && members.values.allSatisfy { $0.joinWaiter != nil }
        if now >= joinDeadlineMillis || (allJoined && initialDelayLimitMillis == nil) {
            return completeJoin(nowMillis: now)
        }
        return []
    }

    /// Drops members that did not rejoin, starts the next generation, and
    /// answers every parked join (the leader gets all members' metadata).
    private mutating func completeJoin(nowMillis now: Int64) -> [GroupCompletion] {
        var completions: [GroupCompletion] = []
        for member in orderedMembers where member.joinWaiter == nil {
            completions += removeMember(member.memberId, error: .unknownMemberId, nowMillis: now, rebalance: false)
        }
        initialDelayLimitMillis = nil
        generationId &+= 1
        guard !members.isEmpty else {
            protocolName = nil
            protocolType = nil
            leaderId = nil
            transition(to: .empty, nowMillis: now)
            return completions
        }
        protocolName = selectProtocol()
        transition(to: .completingRebalance, nowMillis: now)
        syncDeadlineMillis = now + (members.values.map(\.rebalanceTimeoutMs).max() ?? 0)
        for id in memberOrder {
            guard var member = members[id], let waiter = member.joinWaiter else { continue }
            member.joinWaiter = nil
            member.lastSeenMillis = now
            members[id] = member
            completions.append(.join(waiter, joinResult(for: id)))
        }
        return completions
    }

    /// Kafka's choice: each member votes for its most preferred protocol that
    /// all members support; the most votes win (ties: the leader's preference).
    private func selectProtocol() -> String? {
        let candidates = candidateProtocols
        var votes: [String: Int] = [:]
        for member in members.values {
            if let vote = member.vote(among: candidates) { votes[vote, default: 0] += 1 }
        }
        let best = votes.values.max() ?? 0
        let preference = (leaderId.flatMap { members[$0] } ?? orderedMembers.first)?.protocols.map(\.name) ?? []
        return preference.first { votes[$0] == best } ?? votes.first { $0.value == best }?.key
    }

    /// The JoinGroup answer of the current generation for `memberId`.
    private func joinResult(for memberId: String) -> JoinGroupResult {
        let isLeader = memberId == leaderId
        let list = isLeader ? orderedMembers.map {
            JoinGroupMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata(for: protocolName))
        } : []
        return JoinGroupResult(error: .none, generationId: generationId, protocolType: protocolType,
                               protocolName: protocolName, leader: leaderId ?? "", memberId: memberId, members: list)
    }

    mutating func transition(to newState: GroupState, nowMillis now: Int64) {
        state = newState
        stateSinceMillis = now
    }
}
