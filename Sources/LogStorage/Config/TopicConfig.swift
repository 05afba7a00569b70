/// A topic's settings, mirroring the Kafka topic configs the embedded log
/// honours. Persisted as JSON in the topic directory.
public struct TopicConfig: Sendable, Codable, Equatable {
    /// Kafka `cleanup.policy`; only `delete` is implemented.
    public enum CleanupPolicy: String, Sendable, Codable { case delete }

    public static let defaultMaxMessageBytes = 1_048_588

    public var partitions: Int
    /// Kafka `retention.ms`: closed segments whose newest record is older are deleted; nil keeps forever.
    public var retentionMs: Int64?
    /// Kafka `retention.bytes`, per partition: oldest segments go while a partition is larger; nil = no limit.
    public var retentionBytes: Int64?
    /// Kafka `segment.bytes`: a new segment starts when the active one would pass this.
    public var segmentBytes: Int
    /// Kafka `segment.ms`: a new segment starts when the active one is older, so time retention can act.
    public var segmentMs: Int64?
    /// Kafka `max.message.bytes`: the largest batch accepted.
    public var maxMessageBytes: Int
    public var cleanupPolicy: CleanupPolicy

    public init(partitions: Int = 1, retentionMs: Int64? = 7 * 24 * 3600 * 1000, retentionBytes: Int64? = nil,
                segmentBytes: Int = 128 << 20, segmentMs: Int64? = 7 * 24 * 3600 * 1000,
                maxMessageBytes: Int = TopicConfig.defaultMaxMessageBytes, cleanupPolicy: CleanupPolicy = .delete) {
        self.partitions = partitions
        self.retentionMs = retentionMs
        self.retentionBytes = retentionBytes
        self.segmentBytes = segmentBytes
        self.segmentMs = segmentMs
        self.maxMessageBytes = maxMessageBytes
        self.cleanupPolicy = cleanupPolicy
    }

    private enum CodingKeys: String, CodingKey {
        case partitions, retentionMs, retentionBytes, segmentBytes, segmentMs, maxMessageBytes, cleanupPolicy
    }

    /// Missing keys take their defaults, so a `topic.json` written before a
    /// setting existed still opens. A present `null` means "no limit".
    public init(from decoder: any Decoder) throws {
        let defaults = TopicConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partitions = try c.decodeIfPresent(Int.self, forKey: .partitions) ?? defaults.partitions
        retentionMs = c.contains(.retentionMs) ? try c.decodeIfPresent(Int64.self, forKey: .retentionMs) : defaults.retentionMs
        retentionBytes = c.contains(.retentionBytes) ? try c.decodeIfPresent(Int64.self, forKey: .retentionBytes) : defaults.retentionBytes
        segmentBytes = try c.decodeIfPresent(Int.self, forKey: .segmentBytes) ?? defaults.segmentBytes
        segmentMs = c.contains(.segmentMs) ? try c.decodeIfPresent(Int64.self, forKey: .segmentMs) : defaults.segmentMs
        maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? defaults.maxMessageBytes
        cleanupPolicy = try c.decodeIfPresent(CleanupPolicy.self, forKey: .cleanupPolicy) ?? defaults.cleanupPolicy
    }

    /// Writes every key, `null` for "no limit", so the file says what applies.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(partitions, forKey: .partitions)
        try c.encode(retentionMs, forKey: .retentionMs)
        try c.encode(retentionBytes, forKey: .retentionBytes)
        try c.encode(segmentBytes, forKey: .segmentBytes)
        try c.encode(segmentMs, forKey: .segmentMs)
        try c.encode(maxMessageBytes, forKey: .maxMessageBytes)
        try c.encode(cleanupPolicy, forKey: .cleanupPolicy)
    }

    /// Throws `.invalidConfig` naming the first setting out of range.
    public func validate() throws(LogStorageError) {
        func bad(_ what: String) -> LogStorageError { LogStorageError(.invalidConfig, "topic config: \(what)") }
        guard (1...10_000).contains(partitions) else { throw bad("partitions must be 1...10000, got \(partitions)") }
        // Index entries store positions as UInt32, so a segment stays below 2 GiB.
        guard (1024...Int(Int32.max)).contains(segmentBytes) else {
            throw bad("segmentBytes must be 1024...\(Int32.max), got \(segmentBytes)")
        }
        if let retentionMs, retentionMs < 0 { throw bad("retentionMs must not be negative, got \(retentionMs)") }
        if let retentionBytes, retentionBytes < 0 { throw bad("retentionBytes must not be negative, got \(retentionBytes)") }
        if let segmentMs, segmentMs < 1 { throw bad("segmentMs must be positive, got \(segmentMs)") }
        guard (1024...Int(Int32.max) / 2).contains(maxMessageBytes) else {
            throw bad("maxMessageBytes must be 1024...\(Int32.max / 2), got \(maxMessageBytes)")
        }
    }

    /// Kafka's topic name rules: 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
    public static func validateName(_ name: String) throws(LogStorageError) {
        let valid = !name.isEmpty && name.utf8.count <= 249 && name != "." && name != ".."
            && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
            }
        guard valid else {
            throw LogStorageError(.invalidTopicName,
                                  "invalid topic name \"\(name)\": use 1-249 characters of a-z A-Z 0-9 . _ -, not . or ..")
        }
    }
}
