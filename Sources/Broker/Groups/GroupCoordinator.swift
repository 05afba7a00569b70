import KafkaProtocol
import LogStorage
import Logging
import Metrics
import PetrelCore

/// Kafka's classic group coordinator for the embedded broker: consumer-group
/// membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), committed offsets
/// (OffsetCommit, OffsetFetch, stored durably in the `TopicStore`'s offsets
/// file) and group administration (DescribeGroups, ListGroups, DeleteGroups).
///
/// The broker's handlers call these methods with plain Swift values and map
/// the answers to wire responses. JoinGroup and SyncGroup suspend until the
/// group can answer (all members rejoined, the leader synced, or a timeout).
/// Timers (session and rebalance timeouts, offsets retention) advance in
/// `expire()`, which `run()` calls every `options.tick`; tests call it after
/// moving a `ManualTimeSource`.
///
/// Membership lives in memory: after a restart clients get UNKNOWN_MEMBER_ID
/// and rejoin, as after a Kafka coordinator failover; committed offsets survive.
public actor GroupCoordinator {
    public let store: TopicStore
    public let options: GroupCoordinatorOptions
    let logger: Logger
    var groups: [String: ConsumerGroup] = [:]
    private var joinWaiters: [WaiterID: CheckedContinuation<JoinGroupResult, Never>] = [:]
    private var syncWaiters: [WaiterID: CheckedContinuation<SyncGroupResult, Never>] = [:]
    /// Answers produced before their request parked (the request completed the rebalance itself).
    private var earlyJoins: [WaiterID: JoinGroupResult] = [:]
    private var earlySyncs: [WaiterID: SyncGroupResult] = [:]
    private var nextWaiter: WaiterID = 0
    /// Rebalances already added to the counter, per group.
    private var countedRebalances: [String: Int] = [:]
    /// When offsets retention last ran (it scans every group, so not on every tick).
    var lastRetentionMillis: Int64?

    public init(store: TopicStore, options: GroupCoordinatorOptions = GroupCoordinatorOptions(),
                logger: Logger = Logger(label: "petrel.groups")) {
        self.store = store
        self.options = options
        self.logger = logger
    }

    var now: Int64 { options.timeSource.nowMillis() }

    // MARK: - Membership

    /// JoinGroup: answers MEMBER_ID_REQUIRED at once for a v4+ first join,
    /// otherwise waits until the rebalance completes and answers with the new
    /// generation (the leader also gets every member's metadata).
    public func join(_ request: JoinGroupRequest) async -> JoinGroupResult {
        guard !request.groupId.isEmpty else { return .failure(.invalidGroupId, memberId: request.memberId) }
        guard (options.minSessionTimeoutMs...options.maxSessionTimeoutMs).contains(request.sessionTimeoutMs) else {
            return .failure(.invalidSessionTimeout, memberId: request.memberId)
        }
        var request = request
        if request.rebalanceTimeoutMs <= 0 { request.rebalanceTimeoutMs = request.sessionTimeoutMs }
        let waiter = newWaiter()
        let now = self.now
        var group = loadGroup(request.groupId, create: true)!
        let (immediate, completions) = group.join(request, waiter: waiter, options: options, nowMillis: now)
        store(group)
        deliver(completions)
        if let immediate { return immediate }
        if let early = earlyJoins.removeValue(forKey: waiter) { return early }
        return await withCheckedContinuation { continuation in
            joinWaiters[waiter] = continuation
        }
    }

    /// SyncGroup: the leader's call carries every member's assignment; each
    /// member (the leader too) gets its own once the leader's call arrived.
    public func sync(_ request: SyncGroupRequest) async -> SyncGroupResult {
        guard var group = loadGroup(request.groupId, create: false) else { return .failure(.unknownMemberId) }
        let waiter = newWaiter()
        let (immediate, completions) = group.sync(request, waiter: waiter, nowMillis: now)
        store(group)
        deliver(completions)
        if let immediate { return immediate }
        if let early = earlySyncs.removeValue(forKey: waiter) { return early }
        return await withCheckedContinuation { continuation in
            syncWaiters[waiter] = continuation
        }
    }

    /// Heartbeat: NONE, REBALANCE_IN_PROGRESS (rejoin), ILLEGAL_GENERATION,
    /// UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID, as Kafka answers.
    public func heartbeat(groupId: String, generationId: Int32, memberId: String,
                          groupInstanceId: String? = nil) -> KafkaErrorCode {
        guard var group = loadGroup(groupId, create: false) else { return .unknownMemberId }
        let error = group.heartbeat(memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationId,
                                    nowMillis: now)
        store(group)
        return error
    }

    /// LeaveGroup (v3+ names several members; v0–v2 one): each leaving member
    /// is removed and the group rebalances.
    public func leave(groupId: String, members: [LeavingMember]) -> LeaveGroupResult {
        guard var group = loadGroup(groupId, create: false) else {
            return LeaveGroupResult(error: .none, members: members.map {
                .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, error: .unknownMemberId)
            })
        }
        let (result, completions) = group.leave(members, options: options, nowMillis: now)
        store(group)
        deliver(completions)
        return result
    }

    // MARK: - Timers

    /// Applies every timer that is due: session timeouts, rebalance and sync
    /// deadlines, pending member ids, and offsets retention.
    public func expire() {
        let now = self.now
        for id in Array(groups.keys) {
            guard var group = groups[id] else { continue }
            let completions = group.expire(options: options, nowMillis: now)
            store(group)
            deliver(completions)
        }
        applyOffsetsRetention(nowMillis: now)
    }

    /// Runs the timers every `options.tick` and refreshes the lag gauges, until cancelled.
    public func run() async {
        var sinceLag = options.lagRefreshInterval
        while !Task.isCancelled {
            expire()
            if sinceLag >= options.lagRefreshInterval {
                sinceLag = .zero
                refreshLagGauges()
            }
            do { try await Task.sleep(for: options.tick) } catch { return }
            sinceLag += options.tick
        }
    }

    // MARK: - Plumbing

    private func newWaiter() -> WaiterID {
        nextWaiter &+= 1
        return nextWaiter
    }

    /// The group, loading an Empty one for a group known only by its committed
    /// offsets, or creating one when `create`.
    func loadGroup(_ groupId: String, create: Bool) -> ConsumerGroup? {
        if let group = groups[groupId] { return group }
        let committed = store.committedOffsets(group: groupId)
        guard create || !committed.isEmpty else { return nil }
        let since = committed.map(\.timestampMillis).max() ?? now
        return ConsumerGroup(groupId: groupId, nowMillis: since)
    }

    /// Saves a group after a change and updates its metrics.
    func store(_ group: ConsumerGroup) {
        groups[group.groupId] = group
        let dimensions = [("group", group.groupId)]
        Gauge(label: "petrel_kafka_group_members", dimensions: dimensions).record(group.members.count)
        let counted = countedRebalances[group.groupId] ?? 0
        if group.rebalanceCount > counted {
            Counter(label: "petrel_kafka_group_rebalances_total", dimensions: dimensions)
                .increment(by: group.rebalanceCount - counted)
            countedRebalances[group.groupId] = group.rebalanceCount
        }
    }

    /// Forgets a group entirely (deleted, or its offsets expired).
    func drop(_ groupId: String) {
        groups[groupId] = nil
        countedRebalances[groupId] = nil
        Gauge(label: "petrel_kafka_group_members", dimensions: [("group", groupId)]).record(0)
    }

    /// Resumes parked requests, or keeps the answer for one not parked yet.
    func deliver(_ completions: [GroupCompletion]) {
        for completion in completions {
            switch completion {
            case .join(let waiter, let result):
                if let continuation = joinWaiters.removeValue(forKey: waiter) {
                    continuation.resume(returning: result)
                } else {
                    earlyJoins[waiter] = result
                }
            case .sync(let waiter, let result):
                if let continuation = syncWaiters.removeValue(forKey: waiter) {
                    continuation.resume(returning: result)
                } else {
                    earlySyncs[waiter] = result
                }
            }
        }
    }
}
