/// DescribeConfigs (key 32) v1–4: topic (resource type 2) and broker (4) settings.
public struct DescribeConfigsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.describeConfigs
    public static let topicResource: Int8 = 2
    public static let brokerResource: Int8 = 4

    public struct Resource: KafkaStruct, Equatable {
        public var resourceType: Int8 = 0
        public var resourceName = ""
        /// nil asks for every setting.
        public var configurationKeys: [String]?
        public init() {}
        public init(resourceType: Int8, resourceName: String, configurationKeys: [String]? = nil) {
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.configurationKeys = configurationKeys
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int8(&resourceType)
            try c.string(&resourceName)
            try c.nullableArray(&configurationKeys)
            try c.tags()
        }
    }

    public var resources: [Resource] = []
    public var includeSynonyms = false
    public var includeDocumentation = false
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.array(&resources)
        try c.bool(&includeSynonyms)
        if c.version >= 3 { try c.bool(&includeDocumentation) }
        try c.tags()
    }
}

public struct DescribeConfigsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.describeConfigs
    /// Config sources (KIP-226).
    public static let sourceDynamicTopic: Int8 = 1
    public static let sourceStaticBroker: Int8 = 4
    public static let sourceDefault: Int8 = 5

    public struct Synonym: KafkaStruct, Equatable {
        public var name = ""
        public var value: String?
        public var source: Int8 = 0
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.nullableString(&value)
            try c.int8(&source)
            try c.tags()
        }
    }

    public struct Config: KafkaStruct, Equatable {
        public var name = ""
        public var value: String?
        public var readOnly = false
        public var configSource: Int8 = -1
        public var isSensitive = false
        public var synonyms: [Synonym] = []
        public var configType: Int8 = 0
        public var documentation: String?
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.string(&name)
            try c.nullableString(&value)
            try c.bool(&readOnly)
            try c.int8(&configSource)
            try c.bool(&isSensitive)
            try c.array(&synonyms)
            if c.version >= 3 {
                try c.int8(&configType)
                try c.nullableString(&documentation)
            }
            try c.tags()
        }
    }

    public struct Result: KafkaStruct, Equatable {
        public var errorCode: Int16 = 0
        public var errorMessage: String?
        public var resourceType: Int8 = 0
        public var resourceName = ""
        public var configs: [Config] = []
        public init() {}

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int16(&errorCode)
            try c.nullableString(&errorMessage)
            try c.int8(&resourceType)
            try c.string(&resourceName)
            try c.array(&configs)
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
