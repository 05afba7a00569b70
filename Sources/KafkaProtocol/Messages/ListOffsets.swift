/// ListOffsets (key 2) v1–7: the offset for a timestamp, or -1 latest / -2 earliest / -3 max timestamp.
public struct ListOffsetsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.listOffsets
    public static let latestTimestamp: Int64 = -1
    public static let earliestTimestamp: Int64 = -2
    /// The record with the largest timestamp (v7+, KIP-734).
    public static let maxTimestamp: Int64 = -3

    public struct Partition: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var currentLeaderEpoch: Int32 = -1
        public var timestamp: Int64 = -1
        public init() {}
        public init(partitionIndex: Int32, timestamp: Int64) {
            self.partitionIndex = partitionIndex
            self.timestamp = timestamp
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            if c.version >= 4 { try c.int32(&currentLeaderEpoch) }
            try c.int64(&timestamp)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var partitions: [Partition] = []
        public init() {}
        public init(name: String, partitions: [Partition]) {
            self.name = name
            self.partitions = partitions
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public var replicaId: Int32 = -1
    public var isolationLevel: Int8 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&replicaId)
        if c.version >= 2 { try c.int8(&isolationLevel) }
        try c.array(&topics)
        try c.tags()
    }
}

public struct ListOffsetsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.listOffsets

    public struct Partition: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var errorCode: Int16 = 0
        public var timestamp: Int64 = -1
        public var offset: Int64 = -1
        public var leaderEpoch: Int32 = -1
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            try c.int16(&errorCode)
            try c.int64(&timestamp)
            try c.int64(&offset)
            if c.version >= 4 { try c.int32(&leaderEpoch) }
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
        if c.version >= 2 { try c.int32(&throttleTimeMs) }
        try c.array(&topics)
        try c.tags()
    }
}
