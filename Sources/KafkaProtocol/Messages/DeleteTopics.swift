/// DeleteTopics (key 20) v1–6. v6 names topics in `topics` (name or id);
/// earlier versions in `topicNames`.
public struct DeleteTopicsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.deleteTopics

    public struct Topic: KafkaStruct, Equatable {
        public var name: String?
        public var topicId = KafkaUUID.zero
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.nullableString(&name)
            try c.uuid(&topicId)
            try c.tags()
        }
    }

    public var topics: [Topic] = []
    public var topicNames: [String] = []
    public var timeoutMs: Int32 = 30_000
    public init() {}

    /// Every topic named, whichever field the version uses.
    public var allNames: [String] { topicNames + topics.compactMap(\.name) }

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 6 { try c.array(&topics) } else { try c.array(&topicNames) }
        try c.int32(&timeoutMs)
        try c.tags()
    }
}

public struct DeleteTopicsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.deleteTopics

    public struct Result: KafkaStruct, Equatable {
        public var name: String? = ""
        public var topicId = KafkaUUID.zero
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            if c.version >= 6 { try c.nullableString(&name) } else { try c.string(&name.orEmpty) }
            if c.version >= 6 { try c.uuid(&topicId) }
            try c.int16(&errorCode)
            if c.version >= 5 { try c.nullableString(&errorMessage) }
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
