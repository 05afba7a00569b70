/// One resource (a topic: type 2, or a broker: type 4) and the setting
/// changes asked for it: the shared entry of AlterConfigs and
/// IncrementalAlterConfigs, whose `Config` entries differ.
public struct ConfigChanges<Config: KafkaStruct & Equatable>: KafkaStruct, Equatable {
    public var resourceType: Int8 = 0
    public var resourceName = ""
    public var configs: [Config] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int8(&resourceType)
        try c.string(&resourceName)
        try c.array(&configs)
        try c.tags()
    }
}

/// AlterConfigs (key 33) v0–2: replaces a resource's dynamic settings.
public struct AlterConfigsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.alterConfigs

    public struct Config: KafkaStruct, Equatable {
        public var name = ""
        public var value: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.nullableString(&value)
            try c.tags()
        }
    }

    public typealias Resource = ConfigChanges<Config>

    public var resources: [Resource] = []
    public var validateOnly = false
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&resources)
        try c.bool(&validateOnly)
        try c.tags()
    }
}

public struct AlterConfigsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.alterConfigs

    public struct Result: KafkaStruct, Equatable {
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public var resourceType: Int8 = 0
        public var resourceName = ""
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int16(&errorCode)
            try c.nullableString(&errorMessage)
            try c.int8(&resourceType)
            try c.string(&resourceName)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var responses: [Result] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&throttleTimeMs)
        try c.array(&responses)
        try c.tags()
    }
}

/// CreatePartitions (key 37) v0–3: grows a topic to `count` partitions.
public struct CreatePartitionsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.createPartitions

    public struct Assignment: KafkaStruct, Equatable {
        public var brokerIds: [Int32] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.array(&brokerIds)
            try c.tags()
        }
    }

    public struct Topic: KafkaStruct, Equatable {
        public var name = ""
        public var count: Int32 = 0
        public var assignments: [Assignment]?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.int32(&count)
            try c.nullableArray(&assignments)
            try c.tags()
        }
    }

    public var topics: [Topic] = []
    public var timeoutMs: Int32 = 30_000
    public var validateOnly = false
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&topics)
        try c.int32(&timeoutMs)
        try c.bool(&validateOnly)
        try c.tags()
    }
}

public struct CreatePartitionsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.createPartitions

    public struct Result: KafkaStruct, Equatable {
        public var name = ""
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.int16(&errorCode)
            try c.nullableString(&errorMessage)
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

/// IncrementalAlterConfigs (key 44) v0–1: changes the named settings of a
/// resource and leaves the others alone (Kafka 4 clients have only this).
/// The response has AlterConfigs' layout.
public struct IncrementalAlterConfigsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.incrementalAlterConfigs

    /// What a change does to its setting (Kafka's `AlterConfigOp.OpType` ids).
    public enum Operation: Int8, Sendable {
        case set = 0
        case delete = 1
        case append = 2
        case subtract = 3
    }

    public struct Config: KafkaStruct, Equatable {
        public var name = ""
        /// An `Operation` raw value; kept raw so an unknown one can be refused per resource.
        public var operation: Int8 = Operation.set.rawValue
        public var value: String?
        public init() {}
        public init(name: String, operation: Operation, value: String?) {
            self.name = name
            self.operation = operation.rawValue
            self.value = value
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.int8(&operation)
            try c.nullableString(&value)
            try c.tags()
        }
    }

    public typealias Resource = ConfigChanges<Config>

    public var resources: [Resource] = []
    public var validateOnly = false
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&resources)
        try c.bool(&validateOnly)
        try c.tags()
    }
}

public struct IncrementalAlterConfigsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.incrementalAlterConfigs

    public var throttleTimeMs: Int32 = 0
    public var responses: [AlterConfigsResponse.Result] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&throttleTimeMs)
        try c.array(&responses)
        try c.tags()
    }
}
