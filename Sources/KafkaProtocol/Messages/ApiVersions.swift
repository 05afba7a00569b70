/// ApiVersions (key 18) v0–3: what the client asks first to learn our ranges.
public struct ApiVersionsRequest: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.apiVersions
    public var clientSoftwareName = ""
    public var clientSoftwareVersion = ""
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        if c.version >= 3 {
            try c.string(&clientSoftwareName)
            try c.string(&clientSoftwareVersion)
        }
        try c.tags()
    }
}

public struct ApiVersionsResponse: KafkaMessage, Equatable {
    public static let apiKey = ApiKey.apiVersions

    public struct ApiVersion: KafkaStruct, Equatable {
        public var apiKey: Int16 = 0
        public var minVersion: Int16 = 0
        public var maxVersion: Int16 = 0
        public init() {}
        public init(apiKey: Int16, minVersion: Int16, maxVersion: Int16) {
            self.apiKey = apiKey
            self.minVersion = minVersion
            self.maxVersion = maxVersion
        }

        public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
            try c.int16(&apiKey)
            try c.int16(&minVersion)
            try c.int16(&maxVersion)
            try c.tags()
        }
    }

    public var errorCode: Int16 = 0
    public var apiKeys: [ApiVersion] = []
    public var throttleTimeMs: Int32 = 0
    public init() {}

    public mutating func code<C: KafkaCoder>(_ c: inout C) throws {
        try c.int16(&errorCode)
        try c.array(&apiKeys)
        if c.version >= 1 { try c.int32(&throttleTimeMs) }
        try c.tags()
    }

    /// The response listing every API in `ApiKey.supported`, ordered by key.
    public static func supported(errorCode: KafkaErrorCode = .none) -> ApiVersionsResponse {
        var response = ApiVersionsResponse()
        response.errorCode = errorCode.rawValue
        response.apiKeys = ApiKey.supported.sorted { $0.key.rawValue < $1.key.rawValue }.map {
            ApiVersion(apiKey: $0.key.rawValue, minVersion: $0.value.minVersion, maxVersion: $0.value.maxVersion)
        }
        return response
    }
}
