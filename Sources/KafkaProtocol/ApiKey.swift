/// A Kafka API (request type) with the version range Petrel speaks and the
/// first flexible version: the table behind ApiVersions and the dispatcher.
public struct ApiKey: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = ApiKey(rawValue: 0)
    public static let fetch = ApiKey(rawValue: 1)
    public static let listOffsets = ApiKey(rawValue: 2)
    public static let metadata = ApiKey(rawValue: 3)
    public static let offsetCommit = ApiKey(rawValue: 8)
    public static let offsetFetch = ApiKey(rawValue: 9)
    public static let findCoordinator = ApiKey(rawValue: 10)
    public static let joinGroup = ApiKey(rawValue: 11)
    public static let heartbeat = ApiKey(rawValue: 12)
    public static let leaveGroup = ApiKey(rawValue: 13)
    public static let syncGroup = ApiKey(rawValue: 14)
    public static let describeGroups = ApiKey(rawValue: 15)
    public static let listGroups = ApiKey(rawValue: 16)
    public static let apiVersions = ApiKey(rawValue: 18)
    public static let createTopics = ApiKey(rawValue: 19)
    public static let deleteTopics = ApiKey(rawValue: 20)
    public static let initProducerId = ApiKey(rawValue: 22)
    public static let describeConfigs = ApiKey(rawValue: 32)
    public static let alterConfigs = ApiKey(rawValue: 33)
    public static let createPartitions = ApiKey(rawValue: 37)
    public static let deleteGroups = ApiKey(rawValue: 42)
    public static let incrementalAlterConfigs = ApiKey(rawValue: 44)

    /// What one API supports here.
    public struct Support: Sendable {
        public let name: String
        public let minVersion: Int16
        public let maxVersion: Int16
        /// The first flexible version (compact encodings, tagged fields, header v2).
        public let firstFlexible: Int16
    }

    /// Every API Petrel answers, by key.
    public static let supported: [ApiKey: Support] = [
        .produce: Support(name: "Produce", minVersion: 3, maxVersion: 9, firstFlexible: 9),
        .fetch: Support(name: "Fetch", minVersion: 4, maxVersion: 12, firstFlexible: 12),
        .listOffsets: Support(name: "ListOffsets", minVersion: 1, maxVersion: 7, firstFlexible: 6),
        .metadata: Support(name: "Metadata", minVersion: 0, maxVersion: 12, firstFlexible: 9),
        .offsetCommit: Support(name: "OffsetCommit", minVersion: 0, maxVersion: 8, firstFlexible: 8),
        .offsetFetch: Support(name: "OffsetFetch", minVersion: 0, maxVersion: 8, firstFlexible: 6),
        .findCoordinator: Support(name: "FindCoordinator", minVersion: 0, maxVersion: 4, firstFlexible: 3),
        .joinGroup: Support(name: "JoinGroup", minVersion: 0, maxVersion: 7, firstFlexible: 6),
        .heartbeat: Support(name: "Heartbeat", minVersion: 0, maxVersion: 4, firstFlexible: 4),
        .leaveGroup: Support(name: "LeaveGroup", minVersion: 0, maxVersion: 4, firstFlexible: 4),
        .syncGroup: Support(name: "SyncGroup", minVersion: 0, maxVersion: 5, firstFlexible: 4),
        .describeGroups: Support(name: "DescribeGroups", minVersion: 0, maxVersion: 5, firstFlexible: 5),
        .listGroups: Support(name: "ListGroups", minVersion: 0, maxVersion: 4, firstFlexible: 3),
        .apiVersions: Support(name: "ApiVersions", minVersion: 0, maxVersion: 4, firstFlexible: 3),
        .createTopics: Support(name: "CreateTopics", minVersion: 2, maxVersion: 7, firstFlexible: 5),
        .deleteTopics: Support(name: "DeleteTopics", minVersion: 1, maxVersion: 6, firstFlexible: 4),
        .initProducerId: Support(name: "InitProducerId", minVersion: 0, maxVersion: 4, firstFlexible: 2),
        .describeConfigs: Support(name: "DescribeConfigs", minVersion: 1, maxVersion: 4, firstFlexible: 4),
        .alterConfigs: Support(name: "AlterConfigs", minVersion: 0, maxVersion: 2, firstFlexible: 2),
        .createPartitions: Support(name: "CreatePartitions", minVersion: 0, maxVersion: 3, firstFlexible: 2),
        .deleteGroups: Support(name: "DeleteGroups", minVersion: 0, maxVersion: 2, firstFlexible: 2),
        .incrementalAlterConfigs: Support(name: "IncrementalAlterConfigs", minVersion: 0, maxVersion: 1, firstFlexible: 1),
    ]

    public var support: Support? { Self.supported[self] }
    public var name: String { support?.name ?? "Unknown(\(rawValue))" }
    public var description: String { name }

    public func supports(version: Int16) -> Bool {
        guard let support else { return false }
        return version >= support.minVersion && version <= support.maxVersion
    }

    /// Whether `version` is flexible for this API.
    public func isFlexible(version: Int16) -> Bool {
        guard let support else { return false }
        return version >= support.firstFlexible
    }
}
