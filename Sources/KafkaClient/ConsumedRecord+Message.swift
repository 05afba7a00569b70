import CRdKafka
import PetrelCore

extension ConsumedRecord {
    /// Copies a consumed librdkafka message into Swift values; nil for the
    /// end-of-partition event, a thrown error for any other error event.
    static func from(_ message: UnsafeMutablePointer<rd_kafka_message_t>) throws -> ConsumedRecord? {
        let m = message.pointee
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return nil }
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let place = topic.isEmpty ? "consume" : "consume from \(topic)[\(m.partition)]"
            throw KafkaClientError(m.err, place, detail: String(cString: rd_kafka_message_errstr(message)))
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return ConsumedRecord(topic: topic, partition: m.partition, record: Record(
            offset: m.offset, timestamp: timestamp,
            key: bytes(m.key, m.key_len), value: bytes(m.payload, m.len), headers: headers(message)))
    }

    private static func bytes(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [UInt8]? {
        guard let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private static func headers(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> [RecordHeader] {
        var list: OpaquePointer? = nil
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var result: [RecordHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>? = nil
        var value: UnsafeRawPointer? = nil
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(RecordHeader(key: name.map { String(cString: $0) } ?? "", value: bytes))
            index += 1
        }
        return result
    }
}
