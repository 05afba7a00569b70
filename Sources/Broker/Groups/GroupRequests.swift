import KafkaProtocol

// The coordinator's requests and answers, in plain Swift types: the broker's
// handlers copy wire fields into these and the answers back into responses.
// Bytes the broker only relays (member metadata, assignments) stay `[UInt8]`.

/// The state of a classic consumer group, named as Kafka names it in
/// DescribeGroups and ListGroups.
public enum GroupState: String, Sendable, CaseIterable {
    /// No members; the group may still hold committed offsets.
    case empty = "Empty"
    /// A rebalance started: members must rejoin within the rebalance timeout.
    case preparingRebalance = "PreparingRebalance"
    /// Everyone joined; waiting for the leader's SyncGroup with the assignments.
    case completingRebalance = "CompletingRebalance"
    /// Members have their assignments and heartbeat.
    case stable = "Stable"
    /// Deleted (or never existed, as DescribeGroups reports an unknown group).
    case dead = "Dead"

    /// Parses Kafka's state name case-insensitively (ListGroups v4 states filter).
    public init?(kafkaName: String) {
        guard let state = GroupState.allCases.first(where: { $0.rawValue.lowercased() == kafkaName.lowercased() }) else {
            return nil
        }
        self = state
    }
}

/// One protocol a joining member supports (for consumers: an assignor such as
/// `range` or `cooperative-sticky`) with its opaque subscription metadata.
public struct GroupProtocol: Sendable, Equatable {
    public var name: String
    public var metadata: [UInt8]

    public init(name: String, metadata: [UInt8]) {
        self.name = name
        self.metadata = metadata
    }
}

/// JoinGroup, as the broker received it.
public struct JoinGroupRequest: Sendable {
    public var groupId: String
    public var sessionTimeoutMs: Int32
    /// v0 has none: pass the session timeout, as Kafka does.
    public var rebalanceTimeoutMs: Int32
    /// Empty on a member's first join.
    public var memberId: String
    /// `group.instance.id` of a static member (v5+); nil for dynamic members.
    public var groupInstanceId: String?
    public var protocolType: String
    /// In the member's order of preference.
    public var protocols: [GroupProtocol]
    /// The Kafka client id from the request header; member ids start with it.
    public var clientId: String
    /// The client's address as the broker saw it (DescribeGroups shows it).
    public var clientHost: String
    /// True from JoinGroup v4 on: a first join without a member id is answered
    /// MEMBER_ID_REQUIRED with the new id, and the client joins again with it.
    public var requireKnownMemberId: Bool

    public init(groupId: String, sessionTimeoutMs: Int32, rebalanceTimeoutMs: Int32, memberId: String,
                groupInstanceId: String? = nil, protocolType: String, protocols: [GroupProtocol],
                clientId: String, clientHost: String, requireKnownMemberId: Bool) {
        self.groupId = groupId
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocols = protocols
        self.clientId = clientId
        self.clientHost = clientHost
        self.requireKnownMemberId = requireKnownMemberId
    }
}

/// A member as the leader sees it in its JoinGroup answer.
public struct JoinGroupMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    /// The member's metadata for the selected protocol.
    public var metadata: [UInt8]
}

/// The JoinGroup answer. On error only `error` and (for MEMBER_ID_REQUIRED)
/// `memberId` matter; the other fields keep Kafka's "nothing" values.
public struct JoinGroupResult: Sendable, Equatable {
    public var error: KafkaErrorCode
    public var generationId: Int32
    public var protocolType: String?
    public var protocolName: String?
    public var leader: String
    public var memberId: String
    /// Every member's metadata for the leader; empty for followers.
    public var members: [JoinGroupMember]

    static func failure(_ error: KafkaErrorCode, memberId: String = "") -> JoinGroupResult {
        JoinGroupResult(error: error, generationId: -1, protocolType: nil, protocolName: nil, leader: "",
                        memberId: memberId, members: [])
    }
}

/// SyncGroup, as the broker received it.
public struct SyncGroupRequest: Sendable {
    public var groupId: String
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    /// v5+: checked against the group's when given.
    public var protocolType: String?
    public var protocolName: String?
    /// The leader's assignment per member id; empty from followers.
    public var assignments: [String: [UInt8]]

    public init(groupId: String, generationId: Int32, memberId: String, groupInstanceId: String? = nil,
                protocolType: String? = nil, protocolName: String? = nil, assignments: [String: [UInt8]] = [:]) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignments = assignments
    }
}

/// The SyncGroup answer: this member's assignment as the leader wrote it.
public struct SyncGroupResult: Sendable, Equatable {
    public var error: KafkaErrorCode
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: [UInt8]

    static func failure(_ error: KafkaErrorCode) -> SyncGroupResult {
        SyncGroupResult(error: error, protocolType: nil, protocolName: nil, assignment: [])
    }
}

/// One member named in a LeaveGroup (v0–v2 carry one, v3+ a batch).
public struct LeavingMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?

    public init(memberId: String, groupInstanceId: String? = nil) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }
}

/// The LeaveGroup answer: a top-level error and one per member (v3+); for
/// v0–v2 answer the top-level error, or else the single member's.
public struct LeaveGroupResult: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var groupInstanceId: String?
        public var error: KafkaErrorCode
    }

    public var error: KafkaErrorCode
    public var members: [Member]
}

/// OffsetCommit, as the broker received it.
public struct OffsetCommitRequest: Sendable {
    public struct Partition: Sendable, Equatable {
        public var topic: String
        public var partition: Int
        /// The next offset the group will read.
        public var offset: Int64
        public var metadata: String?

        public init(topic: String, partition: Int, offset: Int64, metadata: String? = nil) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.metadata = metadata
        }
    }

    public var groupId: String
    /// -1 (with an empty member id) for a consumer that assigns partitions itself.
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    public var partitions: [Partition]

    public init(groupId: String, generationId: Int32 = -1, memberId: String = "", groupInstanceId: String? = nil,
                partitions: [Partition]) {
        self.groupId = groupId
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.partitions = partitions
    }
}

/// One topic partition's outcome in an OffsetCommit answer.
public struct OffsetCommitPartitionResult: Sendable, Equatable {
    public var topic: String
    public var partition: Int
    public var error: KafkaErrorCode
}

/// One partition in an OffsetFetch answer; offset -1 and empty metadata when
/// the group has committed nothing there.
public struct FetchedOffset: Sendable, Equatable {
    public var topic: String
    public var partition: Int
    public var offset: Int64
    public var metadata: String
    public var error: KafkaErrorCode
}

/// The OffsetFetch answer.
public struct OffsetFetchResult: Sendable, Equatable {
    public var error: KafkaErrorCode
    public var partitions: [FetchedOffset]
}

/// One member in DescribeGroups.
public struct GroupMemberDescription: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    /// The member's metadata for the selected protocol (empty unless Stable, as Kafka).
    public var metadata: [UInt8]
    /// The member's assignment (empty unless Stable, as Kafka).
    public var assignment: [UInt8]
}

/// One group in DescribeGroups. An unknown group is described as Dead with no error, as Kafka does.
public struct GroupDescription: Sendable, Equatable {
    public var groupId: String
    public var error: KafkaErrorCode
    public var state: GroupState
    public var protocolType: String
    /// The selected protocol while Stable, else "".
    public var protocolName: String
    public var members: [GroupMemberDescription]
}

/// One group in ListGroups.
public struct GroupListing: Sendable, Equatable {
    public var groupId: String
    public var protocolType: String
    public var state: GroupState
}

/// A group's committed offset on one partition with its lag, for the admin API and metrics.
public struct GroupPartitionLag: Sendable, Equatable {
    public var topic: String
    public var partition: Int
    public var committedOffset: Int64
    /// The partition's high watermark: what ListOffsets(latest) answers, the end a consumer can reach.
    public var endOffset: Int64
    /// endOffset − committedOffset, never negative.
    public var lag: Int64
}
