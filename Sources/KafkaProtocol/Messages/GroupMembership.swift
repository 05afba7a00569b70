/// JoinGroup (key 11) v0–7. (Broker's GroupCoordinator owns the plain name JoinGroupRequest.)
public struct KafkaJoinGroupRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.joinGroup

    public struct GroupProtocol: KafkaStruct, Equatable {
        public var name = ""
        public var metadata: [UInt8] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.bytes(&metadata)
            try c.tags()
        }
    }

    public var groupId = ""
    public var sessionTimeoutMs: Int32 = 0
    public var rebalanceTimeoutMs: Int32 = -1
    public var memberId = ""
    public var groupInstanceId: String?
    public var protocolType = ""
    public var protocols: [GroupProtocol] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.string(&groupId)
        try c.int32(&sessionTimeoutMs)
        if c.version >= 1 { try c.int32(&rebalanceTimeoutMs) }
        try c.string(&memberId)
        if c.version >= 5 { try c.nullableString(&groupInstanceId) }
        try c.string(&protocolType)
        try c.array(&protocols)
        try c.tags()
    }
}

public struct JoinGroupResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.joinGroup

    public struct Member: KafkaStruct, Equatable {
        public var memberId = ""
        public var groupInstanceId: String?
        public var metadata: [UInt8] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&memberId)
            if c.version >= 5 { try c.nullableString(&groupInstanceId) }
            try c.bytes(&metadata)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var generationId: Int32 = -1
    public var protocolType: String?
    public var protocolName: String? = ""
    public var leader = ""
    public var memberId = ""
    public var members: [Member] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 2 { try c.int32(&throttleTimeMs) }
        try c.int16(&errorCode)
        try c.int32(&generationId)
        if c.version >= 7 {
            try c.nullableString(&protocolType)
            try c.nullableString(&protocolName)
        } else {
            try c.string(&protocolName.orEmpty)
        }
        try c.string(&leader)
        try c.string(&memberId)
        try c.array(&members)
        try c.tags()
    }
}

/// SyncGroup (key 14) v0–5.
public struct KafkaSyncGroupRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.syncGroup

    public struct Assignment: KafkaStruct, Equatable {
        public var memberId = ""
        public var assignment: [UInt8] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&memberId)
            try c.bytes(&assignment)
            try c.tags()
        }
    }

    public var groupId = ""
    public var generationId: Int32 = 0
    public var memberId = ""
    public var groupInstanceId: String?
    public var protocolType: String?
    public var protocolName: String?
    public var assignments: [Assignment] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.string(&groupId)
        try c.int32(&generationId)
        try c.string(&memberId)
        if c.version >= 3 { try c.nullableString(&groupInstanceId) }
        if c.version >= 5 {
            try c.nullableString(&protocolType)
            try c.nullableString(&protocolName)
        }
        try c.array(&assignments)
        try c.tags()
    }
}

public struct SyncGroupResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.syncGroup
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: [UInt8] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        try c.int16(&errorCode)
        if c.version >= 5 {
            try c.nullableString(&protocolType)
            try c.nullableString(&protocolName)
        }
        try c.bytes(&assignment)
        try c.tags()
    }
}

/// Heartbeat (key 12) v0–4.
public struct HeartbeatRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.heartbeat
    public var groupId = ""
    public var generationId: Int32 = 0
    public var memberId = ""
    public var groupInstanceId: String?
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.string(&groupId)
        try c.int32(&generationId)
        try c.string(&memberId)
        if c.version >= 3 { try c.nullableString(&groupInstanceId) }
        try c.tags()
    }
}

/// The answer of Heartbeat: a throttle time (v1+) and an error code.
public struct HeartbeatResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.heartbeat
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        try c.int16(&errorCode)
        try c.tags()
    }
}

/// LeaveGroup (key 13) v0–4: one member (v0–2) or several (v3+).
public struct LeaveGroupRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.leaveGroup

    public struct Member: KafkaStruct, Equatable {
        public var memberId = ""
        public var groupInstanceId: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&memberId)
            try c.nullableString(&groupInstanceId)
            try c.tags()
        }
    }

    public var groupId = ""
    public var memberId = ""
    public var members: [Member] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.string(&groupId)
        if c.version <= 2 { try c.string(&memberId) } else { try c.array(&members) }
        try c.tags()
    }
}

public struct LeaveGroupResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.leaveGroup

    public struct Member: KafkaStruct, Equatable {
        public var memberId = ""
        public var groupInstanceId: String?
        public var errorCode: Int16 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&memberId)
            try c.nullableString(&groupInstanceId)
            try c.int16(&errorCode)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var members: [Member] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        try c.int16(&errorCode)
        if c.version >= 3 { try c.array(&members) }
        try c.tags()
    }
}
