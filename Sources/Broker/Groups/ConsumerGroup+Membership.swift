import KafkaProtocol

/// SyncGroup, Heartbeat, LeaveGroup, session expiry and the checks an offset commit needs.
extension ConsumerGroup {
    /// Checks that `memberId` (and its static instance id) belongs to the
    /// current generation; nil when it does.
    private func memberError(_ memberId: String, _ instanceId: String?, generationId: Int32) -> KafkaErrorCode? {
        guard let member = members[memberId] else { return .unknownMemberId }
        if let instanceId, member.groupInstanceId != instanceId { return .fencedInstanceId }
        if generationId != self.generationId { return .illegalGeneration }
        return nil
    }

    // MARK: - SyncGroup

    /// Handles a SyncGroup. Returns the answer when there is one now; nil means
    /// `waiter` is parked until the leader's SyncGroup arrives.
    mutating func sync(_ request: SyncGroupRequest, waiter: WaiterID, nowMillis now: Int64) -> (SyncGroupResult?, [GroupCompletion]) {
        switch state {
        case .dead: return (.failure(.coordinatorNotAvailable), [])
        case .empty: return (.failure(.unknownMemberId), [])
        default: break
        }
        if let error = memberError(request.memberId, request.groupInstanceId, generationId: request.generationId) {
            return (.failure(error), [])
        }
        if let type = request.protocolType, type != protocolType { return (.failure(.inconsistentGroupProtocol), []) }
        if let name = request.protocolName, name != protocolName { return (.failure(.inconsistentGroupProtocol), []) }
        members[request.memberId]?.lastSeenMillis = now
        switch state {
        case .preparingRebalance:
            return (.failure(.rebalanceInProgress), [])
        case .stable:
            return (success(members[request.memberId]?.assignment ?? []), [])
        default:
            var completions: [GroupCompletion] = []
            if let old = members[request.memberId]?.syncWaiter {
                completions.append(.sync(old, .failure(.rebalanceInProgress)))
            }
            members[request.memberId]?.syncWaiter = waiter
            guard request.memberId == leaderId else { return (nil, completions) }
            // The leader's assignments: relay each member its own, and the group is Stable.
            transition(to: .stable, nowMillis: now)
            for id in memberOrder {
                guard var member = members[id] else { continue }
                member.assignment = request.assignments[id] ?? []
                member.lastSeenMillis = now
                if let waiter = member.syncWaiter {
                    completions.append(.sync(waiter, success(member.assignment)))
                    member.syncWaiter = nil
                }
                members[id] = member
            }
            return (nil, completions)
        }
    }

    private func success(_ assignment: [UInt8]) -> SyncGroupResult {
        SyncGroupResult(error: .none, protocolType: protocolType, protocolName: protocolName, assignment: assignment)
    }

    // MARK: - Heartbeat

    /// Kafka's Heartbeat answers: NONE while Stable (or waiting for the
    /// leader's sync), REBALANCE_IN_PROGRESS while members must rejoin.
    mutating func heartbeat(memberId: String, groupInstanceId: String?, generationId: Int32, nowMillis now: Int64) -> KafkaErrorCode {
        switch state {
        case .dead: return .coordinatorNotAvailable
        case .empty: return .unknownMemberId
        default: break
        }
        if let error = memberError(memberId, groupInstanceId, generationId: generationId) { return error }
        members[memberId]?.lastSeenMillis = now
        return state == .preparingRebalance ? .rebalanceInProgress : .none
    }

    // MARK: - LeaveGroup

    /// Removes the named members (a rebalance follows when any left).
    mutating func leave(_ leaving: [LeavingMember], options: GroupCoordinatorOptions,
                        nowMillis now: Int64) -> (LeaveGroupResult, [GroupCompletion]) {
        var results: [LeaveGroupResult.Member] = []
        var completions: [GroupCompletion] = []
        for request in leaving {
            var memberId = request.memberId
            if memberId.isEmpty, let instance = request.groupInstanceId, let id = staticMembers[instance] { memberId = id }
            let error: KafkaErrorCode
            if pendingMembers.removeValue(forKey: memberId) != nil {
                error = .none
            } else if let member = members[memberId] {
                if let instance = request.groupInstanceId, member.groupInstanceId != instance {
                    error = .fencedInstanceId
                } else {
                    completions += removeMember(memberId, error: .unknownMemberId, nowMillis: now, rebalance: true,
                                                options: options)
                    error = .none
                }
            } else {
                error = .unknownMemberId
            }
            results.append(.init(memberId: request.memberId, groupInstanceId: request.groupInstanceId, error: error))
        }
        return (LeaveGroupResult(error: .none, members: results), completions)
    }

    /// Removes a member, answering its parked requests with `error`. With
    /// `rebalance`, a Stable or CompletingRebalance group starts rebalancing and
    /// a PreparingRebalance one checks whether the join can complete.
    mutating func removeMember(_ memberId: String, error: KafkaErrorCode, nowMillis now: Int64, rebalance: Bool,
                               options: GroupCoordinatorOptions = GroupCoordinatorOptions()) -> [GroupCompletion] {
        guard let member = members.removeValue(forKey: memberId) else { return [] }
        memberOrder.removeAll { $0 == memberId }
        if let instance = member.groupInstanceId, staticMembers[instance] == memberId { staticMembers[instance] = nil }
        if leaderId == memberId { leaderId = memberOrder.first }
        var completions: [GroupCompletion] = []
        if let waiter = member.joinWaiter { completions.append(.join(waiter, .failure(error, memberId: memberId))) }
        if let waiter = member.syncWaiter { completions.append(.sync(waiter, .failure(error))) }
        guard rebalance else { return completions }
        switch state {
        case .stable, .completingRebalance:
            completions += prepareRebalance(options: options, nowMillis: now)
            completions += tryCompleteJoin(nowMillis: now)
        case .preparingRebalance:
            completions += tryCompleteJoin(nowMillis: now)
        case .empty, .dead:
            break
        }
        return completions
    }

    // MARK: - Timers

    /// Applies every deadline that passed by `now`: pending member ids and
    /// sessions expire, a join completes at its deadline, and members that did
    /// not sync in time are dropped.
    mutating func expire(options: GroupCoordinatorOptions, nowMillis now: Int64) -> [GroupCompletion] {
        var completions: [GroupCompletion] = []
        let expiredPending = pendingMembers.filter { now >= $0.value }.map(\.key)
        for id in expiredPending { pendingMembers[id] = nil }
        for member in orderedMembers where member.hasExpired(nowMillis: now) {
            completions += removeMember(member.memberId, error: .unknownMemberId, nowMillis: now, rebalance: true,
                                        options: options)
        }
        switch state {
        case .preparingRebalance:
            completions += tryCompleteJoin(nowMillis: now)
        case .completingRebalance where now >= syncDeadlineMillis:
            for member in orderedMembers where member.syncWaiter == nil {
                completions += removeMember(member.memberId, error: .unknownMemberId, nowMillis: now, rebalance: false)
            }
            completions += prepareRebalance(options: options, nowMillis: now)
            completions += tryCompleteJoin(nowMillis: now)
        default:
            break
        }
        return completions
    }

    // MARK: - Offsets

    /// Whether an OffsetCommit may be stored, as Kafka decides: a consumer
    /// without group management (generation -1) only while the group is Empty;
    /// otherwise a current-generation member, and not while the leader's
    /// assignment is awaited. Counts as a heartbeat. nil when allowed.
    mutating func commitError(memberId: String, groupInstanceId: String?, generationId: Int32,
                              nowMillis now: Int64) -> KafkaErrorCode? {
        if state == .dead { return .coordinatorNotAvailable }
        if generationId < 0 && state == .empty { return nil }
        if state == .completingRebalance { return .rebalanceInProgress }
        if let error = memberError(memberId, groupInstanceId, generationId: generationId) { return error }
        members[memberId]?.lastSeenMillis = now
        return nil
    }

    /// Marks the group deleted; its members must be gone already.
    mutating func markDead(nowMillis now: Int64) {
        transition(to: .dead, nowMillis: now)
    }

    // MARK: - Describe

    var description: GroupDescription {
        let stable = state == .stable
        let list = orderedMembers.map { m in
            GroupMemberDescription(memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId,
                                   clientHost: m.clientHost, metadata: stable ? m.metadata(for: protocolName) : [],
                                   assignment: stable ? m.assignment : [])
        }
        return GroupDescription(groupId: groupId, error: .none, state: state, protocolType: protocolType ?? "",
                                protocolName: stable ? protocolName ?? "" : "", members: list)
    }
}
