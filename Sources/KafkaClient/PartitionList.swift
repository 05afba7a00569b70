import CRdKafka

/// An owned `rd_kafka_topic_partition_list_t`, built from Swift values.
struct PartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A list of partitions, each with an offset when given.
    init(_ entries: [(TopicPartition, Int64?)]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: entries.count))
        for (tp, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(pointer, tp.topic, tp.partition)!
            if let offset { element.pointee.offset = offset }
        }
    }

    func destroy() { rd_kafka_topic_partition_list_destroy(pointer) }

    /// Each element's partition, offset and error.
    static func entries(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>)
        -> [(TopicPartition, Int64, rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { i in
            let element = list.pointee.elems[i]
            return (TopicPartition(topic: String(cString: element.topic), partition: element.partition),
                    element.offset, element.err)
        }
    }

    static func entries(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>)
        -> [(TopicPartition, Int64, rd_kafka_resp_err_t)] {
        entries(UnsafePointer(list))
    }
}
