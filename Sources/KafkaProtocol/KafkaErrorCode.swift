/// A Kafka protocol error code, as carried in responses (`int16`). The named
/// constants are the ones the broker answers with; any other value round-trips.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let unknownServerError = KafkaErrorCode(rawValue: -1)
    public static let none = KafkaErrorCode(rawValue: 0)
    public static let offsetOutOfRange = KafkaErrorCode(rawValue: 1)
    public static let corruptMessage = KafkaErrorCode(rawValue: 2)
    public static let unknownTopicOrPartition = KafkaErrorCode(rawValue: 3)
    public static let invalidFetchSize = KafkaErrorCode(rawValue: 4)
    public static let leaderNotAvailable = KafkaErrorCode(rawValue: 5)
    public static let notLeaderOrFollower = KafkaErrorCode(rawValue: 6)
    public static let requestTimedOut = KafkaErrorCode(rawValue: 7)
    public static let messageTooLarge = KafkaErrorCode(rawValue: 10)
    public static let offsetMetadataTooLarge = KafkaErrorCode(rawValue: 12)
    public static let coordinatorLoadInProgress = KafkaErrorCode(rawValue: 14)
    public static let coordinatorNotAvailable = KafkaErrorCode(rawValue: 15)
    public static let notCoordinator = KafkaErrorCode(rawValue: 16)
    public static let invalidTopicException = KafkaErrorCode(rawValue: 17)
    public static let recordListTooLarge = KafkaErrorCode(rawValue: 18)
    public static let invalidRequiredAcks = KafkaErrorCode(rawValue: 21)
    public static let illegalGeneration = KafkaErrorCode(rawValue: 22)
    public static let inconsistentGroupProtocol = KafkaErrorCode(rawValue: 23)
    public static let invalidGroupId = KafkaErrorCode(rawValue: 24)
    public static let unknownMemberId = KafkaErrorCode(rawValue: 25)
    public static let invalidSessionTimeout = KafkaErrorCode(rawValue: 26)
    public static let rebalanceInProgress = KafkaErrorCode(rawValue: 27)
    public static let invalidCommitOffsetSize = KafkaErrorCode(rawValue: 28)
    public static let invalidTimestamp = KafkaErrorCode(rawValue: 32)
    public static let unsupportedVersion = KafkaErrorCode(rawValue: 35)
    public static let topicAlreadyExists = KafkaErrorCode(rawValue: 36)
    public static let invalidPartitions = KafkaErrorCode(rawValue: 37)
    public static let invalidReplicationFactor = KafkaErrorCode(rawValue: 38)
    public static let invalidConfig = KafkaErrorCode(rawValue: 40)
    public static let invalidRequest = KafkaErrorCode(rawValue: 42)
    public static let policyViolation = KafkaErrorCode(rawValue: 44)
    public static let outOfOrderSequenceNumber = KafkaErrorCode(rawValue: 45)
    public static let duplicateSequenceNumber = KafkaErrorCode(rawValue: 46)
    public static let invalidProducerEpoch = KafkaErrorCode(rawValue: 47)
    public static let kafkaStorageError = KafkaErrorCode(rawValue: 56)
    public static let unknownProducerId = KafkaErrorCode(rawValue: 59)
    public static let nonEmptyGroup = KafkaErrorCode(rawValue: 68)
    public static let groupIdNotFound = KafkaErrorCode(rawValue: 69)
    public static let unsupportedCompressionType = KafkaErrorCode(rawValue: 76)
    public static let memberIdRequired = KafkaErrorCode(rawValue: 79)
    public static let groupMaxSizeReached = KafkaErrorCode(rawValue: 81)
    public static let fencedInstanceId = KafkaErrorCode(rawValue: 82)
    public static let invalidRecord = KafkaErrorCode(rawValue: 87)

    public var description: String { "kafka error \(rawValue)" }
}
