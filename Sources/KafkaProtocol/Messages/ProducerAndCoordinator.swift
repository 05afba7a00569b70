/// InitProducerId (key 22) v0–4: a producer id for idempotent producers.
public struct InitProducerIdRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.initProducerId
    public var transactionalId: String?
    public var transactionTimeoutMs: Int32 = 0
    public var producerId: Int64 = -1
    public var producerEpoch: Int16 = -1
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.nullableString(&transactionalId)
        try c.int32(&transactionTimeoutMs)
        if c.version >= 3 {
            try c.int64(&producerId)
            try c.int16(&producerEpoch)
        }
        try c.tags()
    }
}

public struct InitProducerIdResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.initProducerId
    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var producerId: Int64 = -1
    public var producerEpoch: Int16 = -1
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int32(&throttleTimeMs)
        try c.int16(&errorCode)
        try c.int64(&producerId)
        try c.int16(&producerEpoch)
        try c.tags()
    }
}

/// FindCoordinator (key 10) v0–4: v4 asks for several keys at once.
public struct FindCoordinatorRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.findCoordinator
    public var key = ""
    /// 0 group, 1 transaction.
    public var keyType: Int8 = 0
    public var coordinatorKeys: [String] = []
    public init() {}

    /// Every key asked for, whichever field the version uses.
    public var allKeys: [String] { coordinatorKeys.isEmpty ? [key] : coordinatorKeys }

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version <= 3 { try c.string(&key) }
        if c.version >= 1 { try c.int8(&keyType) }
        if c.version >= 4 { try c.array(&coordinatorKeys) }
        try c.tags()
    }
}

public struct FindCoordinatorResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.findCoordinator

    public struct Coordinator: KafkaStruct, Equatable {
        public var key = ""
        public var nodeId: Int32 = 0
        public var host = ""
        public var port: Int32 = 0
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&key)
            try c.int32(&nodeId)
            try c.string(&host)
            try c.int32(&port)
            try c.int16(&errorCode)
            try c.nullableString(&errorMessage)
            try c.tags()
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var errorCode: Int16 = 0
    public var errorMessage: String?
    public var nodeId: Int32 = 0
    public var host = ""
    public var port: Int32 = 0
    public var coordinators: [Coordinator] = []
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        if c.version <= 3 {
            try c.int16(&errorCode)
            if c.version >= 1 { try c.nullableString(&errorMessage) }
            try c.int32(&nodeId)
            try c.string(&host)
            try c.int32(&port)
        } else {
            try c.array(&coordinators)
        }
        try c.tags()
    }
}
