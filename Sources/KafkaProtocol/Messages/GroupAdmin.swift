/// DescribeGroups (key 15) v0–5.
public struct DescribeGroupsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.describeGroups
    public var groups: [String] = []
    public var includeAuthorizedOperations = false
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&groups)
        if c.version >= 3 { try c.bool(&includeAuthorizedOperations) }
        try c.tags()
    }
}

public struct DescribeGroupsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.describeGroups

    public struct Member: KafkaStruct, Equatable {
        public var memberId = ""
        public var groupInstanceId: String?
        public var clientId = ""
        public var clientHost = ""
        public var memberMetadata: [UInt8] = []
        public var memberAssignment: [UInt8] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&memberId)
            if c.version >= 4 { try c.nullableString(&groupInstanceId) }
            try c.string(&clientId)
            try c.string(&clientHost)
            try c.bytes(&memberMetadata)
            try c.bytes(&memberAssignment)
            try c.tags()
        }
    }

    public struct Group: KafkaStruct, Equatable {
        public var errorCode: Int16 = 0
        public var groupId = ""
        public var groupState = ""
        public var protocolType = ""
        public var protocolData = ""
        public var members: [Member] = []
        public var authorizedOperations: Int32 = Int32.min
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int16(&errorCode)
            try c.string(&groupId)
            try c.string(&groupState)
            try c.string(&protocolType)
            try c.string(&protocolData)
            try c.array(&members)
            if c.version >= 3 { try c.int32(&authorizedOperations) }
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var groups: [Group] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        try c.array(&groups)
        try c.tags()
    }
}

/// ListGroups (key 16) v0–4.
public struct ListGroupsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.listGroups
    public var statesFilter: [String] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 4 { try c.array(&statesFilter) }
        try c.tags()
    }
}

public struct ListGroupsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.listGroups

    public struct Group: KafkaStruct, Equatable {
        public var groupId = ""
        public var protocolType = ""
        public var groupState = ""
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&groupId)
            try c.string(&protocolType)
            if c.version >= 4 { try c.string(&groupState) }
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var groups: [Group] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        try c.int16(&errorCode)
        try c.array(&groups)
        try c.tags()
    }
}

/// DeleteGroups (key 42) v0–2.
public struct DeleteGroupsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.deleteGroups
    public var groupsNames: [String] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&groupsNames)
        try c.tags()
    }
}

public struct DeleteGroupsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.deleteGroups

    public struct Result: KafkaStruct, Equatable {
        public var groupId = ""
        public var errorCode: Int16 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&groupId)
            try c.int16(&errorCode)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var results: [Result] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&throttleTimeMs)
        try c.array(&results)
        try c.tags()
    }
}
