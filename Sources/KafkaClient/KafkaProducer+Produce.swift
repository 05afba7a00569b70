import CRdKafka
import PetrelCore

extension KafkaProducer {
    /// Queues one record with `rd_kafka_produceva`, which copies key, value and headers.
    /// `opaque` comes back in the delivery report; `block` waits while the queue is full
    /// instead of failing with `_QUEUE_FULL`.
    func produce(topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8]?, headers: [RecordHeader],
                 timestamp: Int64?, opaque: UnsafeMutableRawPointer?, block: Bool) throws {
        var headerList: OpaquePointer? = nil
        if !headers.isEmpty {
            let list = rd_kafka_headers_new(headers.count)!
            for header in headers {
                let err: rd_kafka_resp_err_t = header.key.withCString { name in
                    guard let bytes = header.value else { return rd_kafka_header_add(list, name, -1, nil, 0) }
                    return bytes.withUnsafeBytes { rd_kafka_header_add(list, name, -1, $0.baseAddress, $0.count) }
                }
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    rd_kafka_headers_destroy(list)
                    throw KafkaClientError(err, "header \(header.key)")
                }
            }
            headerList = list
        }
        let error: OpaquePointer? = topic.withCString { topicName in
            withOptionalBytes(key) { keyBytes in
                withOptionalBytes(value) { valueBytes in
                    var args: [rd_kafka_vu_t] = []
                    args.reserveCapacity(8)
                    func add(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t) -> Void) {
                        var arg = rd_kafka_vu_t()
                        arg.vtype = type
                        set(&arg)
                        args.append(arg)
                    }
                    add(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topicName }
                    add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY | (block ? RD_KAFKA_MSG_F_BLOCK : 0) }
                    if let partition { add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition } }
                    for (type, bytes) in [(RD_KAFKA_VTYPE_KEY, keyBytes), (RD_KAFKA_VTYPE_VALUE, valueBytes)] {
                        guard let bytes else { continue }
                        add(type) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
                            $0.u.mem.size = bytes.count
                        }
                    }
                    if let headerList { add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headerList } }
                    if let timestamp { add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp } }
                    if let opaque { add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque } }
                    return rd_kafka_produceva(handle.pointer, args, args.count)
                }
            }
        }
        if let error {
            // On failure the headers stay ours to free.
            if let headerList { rd_kafka_headers_destroy(headerList) }
            throw KafkaClientError(consuming: error, "produce to \(topic)")
        }
    }
}

/// Calls `body` with the bytes of `bytes`, or with nil when there are none
/// (a null key or value, which Kafka distinguishes from an empty one).
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let bytes else { return try body(nil) }
    return try bytes.withUnsafeBytes { try body($0) }
}
