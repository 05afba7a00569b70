import CRdKafka

extension KafkaAdmin {
    /// Runs one Admin API request: `start` issues it on a private queue with
    /// options carrying `timeout`, `result` reads the answer event. Waits a little
    /// longer than `timeout` so that librdkafka's own timeout error wins.
    func run(_ operation: rd_kafka_admin_op_t, _ what: String, timeout: Duration,
             start: (OpaquePointer, OpaquePointer) -> Void, result: (OpaquePointer) throws -> Void) throws {
        guard let options = rd_kafka_AdminOptions_new(handle.pointer, operation),
              let queue = rd_kafka_queue_new(handle.pointer) else {
            throw KafkaClientError.invalidArgument("\(what): cannot create the request")
        }
        defer {
            rd_kafka_queue_destroy(queue)
            rd_kafka_AdminOptions_destroy(options)
        }
        var errstr = [CChar](repeating: 0, count: 512)
        let ms = timeout.kafkaMilliseconds
        _ = rd_kafka_AdminOptions_set_request_timeout(options, ms, &errstr, errstr.count)
        if operation == RD_KAFKA_ADMIN_OP_CREATETOPICS || operation == RD_KAFKA_ADMIN_OP_DELETETOPICS {
            // Let the broker finish creating/deleting before it answers.
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, ms, &errstr, errstr.count)
        }
        start(options, queue)
        guard let event = rd_kafka_queue_poll(queue, ms.addingReportingOverflow(1000).partialValue) else {
            rd_kafka_poll(handle.pointer, 0)
            throw handle.events.timeout(what)
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            rd_kafka_poll(handle.pointer, 0)
            if err == RD_KAFKA_RESP_ERR__TIMED_OUT { throw handle.events.timeout(what) }
            throw KafkaClientError(err, what, detail: rd_kafka_event_error_string(event).map { String(cString: $0) })
        }
        try result(event)
    }

    /// Throws the first per-topic error of a CreateTopics or DeleteTopics answer.
    static func check(_ results: UnsafeMutablePointer<OpaquePointer?>?, _ count: Int, _ what: String) throws {
        for i in 0..<count {
            guard let topic = results?[i] else { continue }
            let err = rd_kafka_topic_result_error(topic)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaClientError(err, what, detail: rd_kafka_topic_result_error_string(topic).map { String(cString: $0) })
            }
        }
    }
}
