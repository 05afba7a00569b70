/// Fetch (key 1) v4–12: stored record batches from topic partitions, with
/// long polling. v13+ name topics by id and are not offered.
public struct FetchRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.fetch

    public struct Partition: KafkaStruct, Equatable {
        public var partition: Int32 = 0
        public var currentLeaderEpoch: Int32 = -1
        public var fetchOffset: Int64 = 0
        public var lastFetchedEpoch: Int32 = -1
        public var logStartOffset: Int64 = -1
        public var partitionMaxBytes: Int32 = 0
        public init() {}
        public init(partition: Int32, fetchOffset: Int64, partitionMaxBytes: Int32) {
            self.partition = partition
            self.fetchOffset = fetchOffset
            self.partitionMaxBytes = partitionMaxBytes
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partition)
            if c.version >= 9 { try c.int32(&currentLeaderEpoch) }
            try c.int64(&fetchOffset)
            if c.version >= 12 { try c.int32(&lastFetchedEpoch) }
            if c.version >= 5 { try c.int64(&logStartOffset) }
            try c.int32(&partitionMaxBytes)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var topic = ""
        public var partitions: [Partition] = []
        public init() {}
        public init(topic: String, partitions: [Partition]) {
            self.topic = topic
            self.partitions = partitions
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&topic)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public struct ForgottenTopic: KafkaStruct, Equatable {
        public var topic = ""
        public var partitions: [Int32] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&topic)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public var replicaId: Int32 = -1
    public var maxWaitMs: Int32 = 500
    public var minBytes: Int32 = 1
    public var maxBytes: Int32 = Int32.max
    public var isolationLevel: Int8 = 0
    public var sessionId: Int32 = 0
    public var sessionEpoch: Int32 = -1
    public var topics: [Topic] = []
    public var forgottenTopicsData: [ForgottenTopic] = []
    public var rackId = ""
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&replicaId)
        try c.int32(&maxWaitMs)
        try c.int32(&minBytes)
        try c.int32(&maxBytes)
        try c.int8(&isolationLevel)
        if c.version >= 7 {
            try c.int32(&sessionId)
            try c.int32(&sessionEpoch)
        }
        try c.array(&topics)
        if c.version >= 7 { try c.array(&forgottenTopicsData) }
        if c.version >= 11 { try c.string(&rackId) }
        try c.tags()
    }
}

public struct FetchResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.fetch

    public struct AbortedTransaction: KafkaStruct, Equatable {
        public var producerId: Int64 = 0
        public var firstOffset: Int64 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int64(&producerId)
            try c.int64(&firstOffset)
            try c.tags()
        }
    }

    public struct Partition: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var errorCode: Int16 = 0
        public var highWatermark: Int64 = -1
        public var lastStableOffset: Int64 = -1
        public var logStartOffset: Int64 = -1
        public var abortedTransactions: [AbortedTransaction]?
        public var preferredReadReplica: Int32 = -1
        /// Stored record batches, byte for byte.
        public var records: [UInt8]?
        /// When set, `records` is ignored and only the length prefix of this
        /// many record bytes is encoded: the sender writes the bytes itself
        /// (from the segment file). Encoding only.
        public var externalRecordsCount: Int?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            try c.int16(&errorCode)
            try c.int64(&highWatermark)
            try c.int64(&lastStableOffset)
            if c.version >= 5 { try c.int64(&logStartOffset) }
            try c.nullableArray(&abortedTransactions)
            if c.version >= 11 { try c.int32(&preferredReadReplica) }
            if let count = externalRecordsCount {
                try c.externalBytes(count: count)
            } else {
                try c.nullableBytes(&records)
            }
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var topic = ""
        public var partitions: [Partition] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&topic)
            try c.array(&partitions)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var sessionId: Int32 = 0
    public var responses: [Topic] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&throttleTimeMs)
        if c.version >= 7 {
            try c.int16(&errorCode)
            try c.int32(&sessionId)
        }
        try c.array(&responses)
        try c.tags()
    }
}
