/// OffsetCommit (key 8) v0–8.
public struct KafkaOffsetCommitRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.offsetCommit

    public struct Partition: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var committedOffset: Int64 = 0
        public var committedLeaderEpoch: Int32 = -1
        public var commitTimestamp: Int64 = -1
        public var committedMetadata: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            try c.int64(&committedOffset)
            if c.version >= 6 { try c.int32(&committedLeaderEpoch) }
            if c.version == 1 { try c.int64(&commitTimestamp) }
            try c.nullableString(&committedMetadata)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var partitions: [Partition] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public var groupId = ""
    public var generationId: Int32 = -1
    public var memberId = ""
    public var groupInstanceId: String?
    public var retentionTimeMs: Int64 = -1
    public var topics: [Topic] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.string(&groupId)
        if c.version >= 1 {
            try c.int32(&generationId)
            try c.string(&memberId)
        }
        if c.version >= 7 { try c.nullableString(&groupInstanceId) }
        if c.version >= 2 && c.version <= 4 { try c.int64(&retentionTimeMs) }
        try c.array(&topics)
        try c.tags()
    }
}

public struct OffsetCommitResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.offsetCommit

    public struct Partition: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var errorCode: Int16 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            try c.int16(&errorCode)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var partitions: [Partition] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 3 { try c.int32(&throttleTimeMs) }
        try c.array(&topics)
        try c.tags()
    }
}

/// OffsetFetch (key 9) v0–8: one group (v0–7) or several (v8).
public struct OffsetFetchRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.offsetFetch

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var partitionIndexes: [Int32] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitionIndexes)
            try c.tags()
        }
    }

    public struct Group: KafkaStruct, Equatable {
        public var groupId = ""
        /// nil asks for every partition the group has committed.
        public var topics: [Topic]?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&groupId)
            try c.nullableArray(&topics)
            try c.tags()
        }
    }

    public var groupId = ""
    public var topics: [Topic]? = []
    public var groups: [Group] = []
    public var requireStable = false
    public init() {}

    /// The groups asked about, whichever field the version uses.
    public var allGroups: [Group] {
        if !groups.isEmpty { return groups }
        var group = Group()
        group.groupId = groupId
        group.topics = topics
        return [group]
    }

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version <= 7 {
            try c.string(&groupId)
            if c.version >= 2 { try c.nullableArray(&topics) } else { try c.array(&topics.orEmpty) }
        } else {
            try c.array(&groups)
        }
        if c.version >= 7 { try c.bool(&requireStable) }
        try c.tags()
    }
}

public struct OffsetFetchResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.offsetFetch

    public struct Partition: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var committedOffset: Int64 = -1
        public var committedLeaderEpoch: Int32 = -1
        public var metadata: String? = ""
        public var errorCode: Int16 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            try c.int64(&committedOffset)
            if c.version >= 5 { try c.int32(&committedLeaderEpoch) }
            try c.nullableString(&metadata)
            try c.int16(&errorCode)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var partitions: [Partition] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public struct Group: KafkaStruct, Equatable {
        public var groupId = ""
        public var topics: [Topic] = []
        public var errorCode: Int16 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&groupId)
            try c.array(&topics)
            try c.int16(&errorCode)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public var errorCode: Int16 = 0
    public var groups: [Group] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 3 { try c.int32(&throttleTimeMs) }
        if c.version <= 7 {
            try c.array(&topics)
            if c.version >= 2 { try c.int16(&errorCode) }
        } else {
            try c.array(&groups)
        }
        try c.tags()
    }
}
