import CRdKafka

/// The one error type of KafkaClient: what failed, librdkafka's error name
/// (`_TIMED_OUT`, `UNKNOWN_TOPIC_OR_PART`, ...) and its message.
public struct KafkaClientError: Error, Sendable, CustomStringConvertible {
    /// librdkafka's name for the error code, e.g. `_TRANSPORT` or `TOPIC_ALREADY_EXISTS`;
    /// `_INVALID_ARG` for configuration that librdkafka refused.
    public var code: String
    /// The numeric `rd_kafka_resp_err_t`; negative values are client-side errors.
    public var rawCode: Int32
    /// What Petrel was doing and what librdkafka said about it.
    public var message: String
    /// The underlying error, when there is one.
    public var cause: (any Error & Sendable)?

    public init(code: String, rawCode: Int32 = -1, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.rawCode = rawCode
        self.message = message
        self.cause = cause
    }

    /// An error from a librdkafka response code, with its name and description.
    init(_ err: rd_kafka_resp_err_t, _ context: String, detail: String? = nil) {
        let name = String(cString: rd_kafka_err2name(err))
        let text = detail ?? String(cString: rd_kafka_err2str(err))
        self.init(code: name, rawCode: err.rawValue, message: "\(context): \(text)")
    }

    /// An error from a librdkafka `rd_kafka_error_t`, which it destroys.
    init(consuming error: OpaquePointer, _ context: String) {
        let err = rd_kafka_error_code(error)
        let text = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        self.init(err, context, detail: text)
    }

    /// A client-side misuse or bad argument, e.g. an invalid topic name.
    static func invalidArgument(_ message: String) -> KafkaClientError {
        KafkaClientError(code: "_INVALID_ARG", rawCode: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, message: message)
    }

    /// A call that did not finish within its timeout.
    static func timedOut(_ message: String) -> KafkaClientError {
        KafkaClientError(code: "_TIMED_OUT", rawCode: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, message: message)
    }

    public var description: String { "Kafka \(code): \(message)" }
}
