/// Produce (key 0) v3–9: record batches v2 for topic partitions.
public struct ProduceRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.produce

    public struct PartitionData: KafkaStruct, Equatable {
        public var index: Int32 = 0
        /// One or more record batches v2, as the producer wrote them.
        public var records: [UInt8]?
        public init() {}
        public init(index: Int32, records: [UInt8]?) {
            self.index = index
            self.records = records
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&index)
            try c.nullableBytes(&records)
            try c.tags()
        }
    }

    public struct TopicData: KafkaStruct, Equatable {
        public var name = ""
        public var partitionData: [PartitionData] = []
        public init() {}
        public init(name: String, partitionData: [PartitionData]) {
            self.name = name
            self.partitionData = partitionData
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitionData)
            try c.tags()
        }
    }

    public var transactionalId: String?
    public var acks: Int16 = -1
    public var timeoutMs: Int32 = 30_000
    public var topicData: [TopicData] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.nullableString(&transactionalId)
        try c.int16(&acks)
        try c.int32(&timeoutMs)
        try c.array(&topicData)
        try c.tags()
    }
}

public struct ProduceResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.produce

    public struct RecordError: KafkaStruct, Equatable {
        public var batchIndex: Int32 = 0
        public var batchIndexErrorMessage: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&batchIndex)
            try c.nullableString(&batchIndexErrorMessage)
            try c.tags()
        }
    }

    public struct PartitionResponse: KafkaStruct, Equatable {
        public var index: Int32 = 0
        public var errorCode: Int16 = 0
        public var baseOffset: Int64 = -1
        public var logAppendTimeMs: Int64 = -1
        public var logStartOffset: Int64 = -1
        public var recordErrors: [RecordError] = []
        public var errorMessage: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&index)
            try c.int16(&errorCode)
            try c.int64(&baseOffset)
            try c.int64(&logAppendTimeMs)
            if c.version >= 5 { try c.int64(&logStartOffset) }
            if c.version >= 8 {
                try c.array(&recordErrors)
                try c.nullableString(&errorMessage)
            }
            try c.tags()
        }
    }

    public struct TopicResponse: KafkaStruct, Equatable {
        public var name = ""
        public var partitionResponses: [PartitionResponse] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.array(&partitionResponses)
            try c.tags()
        }
    }

    public var responses: [TopicResponse] = []
    public var throttleTimeMs: Int32 = 0
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&responses)
        try c.int32(&throttleTimeMs)
        try c.tags()
    }
}
