/// The one error type of LogStorage: a code the broker maps to Kafka error
/// codes, a message naming what and where, and the underlying cause.
public struct LogStorageError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The offset is below logStartOffset or past logEndOffset (Kafka OFFSET_OUT_OF_RANGE).
        case offsetOutOfRange
        /// createTopic for a name that exists (Kafka TOPIC_ALREADY_EXISTS).
        case topicAlreadyExists
        /// No topic with that name (Kafka UNKNOWN_TOPIC_OR_PARTITION).
        case unknownTopic
        /// The name breaks Kafka's topic name rules (Kafka INVALID_TOPIC_EXCEPTION).
        case invalidTopicName
        /// A topic setting is out of range (Kafka INVALID_CONFIG).
        case invalidConfig
        /// An appended batch is malformed or fails its CRC (Kafka CORRUPT_MESSAGE).
        case corruptBatch
        /// A record or batch is larger than maxMessageBytes (Kafka MESSAGE_TOO_LARGE).
        case recordTooLarge
        /// An operating-system call failed (Kafka KAFKA_STORAGE_ERROR).
        case io
        /// A request that makes no sense, such as appending no records.
        case invalidRequest
        /// The store or topic was closed or deleted.
        case closed
        /// CreatePartitions asked for fewer partitions than the topic has (Kafka INVALID_PARTITIONS).
        case invalidPartitions
        /// An idempotent producer's batch does not follow its last one (Kafka OUT_OF_ORDER_SEQUENCE_NUMBER).
        case outOfOrderSequence
        /// An idempotent producer's epoch is older than the partition has seen: it was fenced (Kafka INVALID_PRODUCER_EPOCH).
        case invalidProducerEpoch
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}

/// An `errno` value with the call that set it.
public struct POSIXFailure: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
