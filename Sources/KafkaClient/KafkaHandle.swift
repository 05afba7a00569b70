import CRdKafka
import Synchronization

/// One librdkafka client instance (`rd_kafka_t`) with its configuration applied,
/// shared by the producer, consumer and admin wrappers.
///
/// librdkafka's handles are thread-safe, which is why this class may be shared
/// across threads; `destroy()` must be called exactly once, after every call on
/// the handle has returned.
final class KafkaHandle: @unchecked Sendable {
    /// The `rd_kafka_t *`.
    let pointer: OpaquePointer
    /// Broker-level errors librdkafka reported through its error callback.
    let events: ClientEvents
    private let destroyed = Atomic<Bool>(false)

    /// Creates a client of `kind` from `settings` (librdkafka property names).
    /// `configure` may install callbacks on the configuration before the client exists.
    init(kind: rd_kafka_type_t, settings: [String: String], events: ClientEvents = ClientEvents(),
         configure: (OpaquePointer) -> Void = { _ in }) throws {
        let conf = try KafkaHandle.makeConf(settings)
        self.events = events
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(events).toOpaque())
        rd_kafka_conf_set_error_cb(conf) { _, err, reason, opaque in
            guard let opaque else { return }
            let events = Unmanaged<ClientEvents>.fromOpaque(opaque).takeUnretainedValue()
            events.record(KafkaClientError(rd_kafka_resp_err_t(rawValue: err), "broker",
                                           detail: reason.map { String(cString: $0) }))
        }
        configure(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(kind, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaClientError.invalidArgument("cannot create Kafka client: \(String(cBuffer: errstr))")
        }
        pointer = rk
    }

    /// Builds an `rd_kafka_conf_t` and refuses unknown properties or bad values by name.
    static func makeConf(_ settings: [String: String]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaClientError.invalidArgument("configuration \(key)=\(value): \(String(cBuffer: errstr))")
            }
        }
        return conf
    }

    /// Frees the client; later calls are no-ops.
    func destroy() {
        if destroyed.exchange(true, ordering: .acquiringAndReleasing) { return }
        rd_kafka_destroy(pointer)
    }

    /// The name of a topic handle (`rd_kafka_topic_t *`), e.g. from a message.
    func topicName(_ rkt: OpaquePointer?) -> String {
        rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    }
}

/// What librdkafka reports through callbacks: broker errors (unreachable,
/// authentication, ...), kept so that a timeout can say why nothing answered,
/// and a producer's delivery reports.
final class ClientEvents: Sendable {
    private let last = Mutex<KafkaClientError?>(nil)
    /// A producer's delivery reports (see `delivered(_:)`).
    let deliveries = Mutex(DeliveryCounts())

    init() {}

    func record(_ error: KafkaClientError) {
        last.withLock { $0 = error }
    }

    /// The most recent broker error, if any.
    var lastError: KafkaClientError? { last.withLock { $0 } }

    /// A timeout error for `what`, naming the last broker error as its cause.
    func timeout(_ what: String) -> KafkaClientError {
        var error = KafkaClientError.timedOut("\(what) timed out")
        if let cause = lastError {
            error.message += " (last broker error: \(cause.code): \(cause.message))"
            error.cause = cause
        }
        return error
    }
}

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int timeout_ms` takes.
    var kafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        if ms.overflow || seconds > Int64(Int32.max) { return Int32.max }
        let total = ms.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}

extension String {
    /// The NUL-terminated text librdkafka wrote into `buffer` (an error or config value).
    init(cBuffer buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
