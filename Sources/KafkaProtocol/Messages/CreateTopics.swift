/// CreateTopics (key 19) v2–7.
public struct CreateTopicsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.createTopics

    public struct Assignment: KafkaStruct, Equatable {
        public var partitionIndex: Int32 = 0
        public var brokerIds: [Int32] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int32(&partitionIndex)
            try c.array(&brokerIds)
            try c.tags()
        }
    }

    public struct Config: KafkaStruct, Equatable {
        public var name = ""
        public var value: String?
        public init() {}
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.nullableString(&value)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var numPartitions: Int32 = -1
        public var replicationFactor: Int16 = -1
        public var assignments: [Assignment] = []
        public var configs: [Config] = []
        public init() {}
        public init(name: String, numPartitions: Int32, replicationFactor: Int16 = -1, configs: [Config] = []) {
            self.name = name
            self.numPartitions = numPartitions
            self.replicationFactor = replicationFactor
            self.configs = configs
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.int32(&numPartitions)
            try c.int16(&replicationFactor)
            try c.array(&assignments)
            try c.array(&configs)
            try c.tags()
        }
    }

    public var topics: [Topic] = []
    public var timeoutMs: Int32 = 60_000
    public var validateOnly = false
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&topics)
        try c.int32(&timeoutMs)
        try c.bool(&validateOnly)
        try c.tags()
    }
}

public struct CreateTopicsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.createTopics

    public struct Config: KafkaStruct, Equatable {
        public var name = ""
        public var value: String?
        public var readOnly = false
        public var configSource: Int8 = -1
        public var isSensitive = false
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.nullableString(&value)
            try c.bool(&readOnly)
            try c.int8(&configSource)
            try c.bool(&isSensitive)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var topicId = KafkaUUID.zero
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public var numPartitions: Int32 = -1
        public var replicationFactor: Int16 = -1
        public var configs: [Config]?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            if c.version >= 7 { try c.uuid(&topicId) }
            try c.int16(&errorCode)
            try c.nullableString(&errorMessage)
            if c.version >= 5 {
                try c.int32(&numPartitions)
                try c.int16(&replicationFactor)
                try c.nullableArray(&configs)
            }
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var topics: [Topic] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&throttleTimeMs)
        try c.array(&topics)
        try c.tags()
    }
}
