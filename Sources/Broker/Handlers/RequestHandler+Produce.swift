import KafkaProtocol
import LogStorage
import PetrelCore

/// Produce in two steps: `writeProduce` appends every partition's batches as
/// they are, in request order and without waiting; `awaitProduce` then waits
/// until the partitions are durable (concurrently, so one group-commit fsync
/// per partition covers this request and whatever was written beside it) and
/// builds the response. A connection's later requests are read while a
/// Produce waits, so pipelined Produce requests share fsyncs instead of each
/// paying for its own.
extension RequestHandler {
    /// One partition of a Produce request after its appends.
    struct WrittenPartition: Sendable {
        var topic: String
        var partition: PartitionLog?
        /// Already final: an error, or nothing to wait for.
        var result: ProduceResponse.PartitionResponse
        /// Durable once everything before this offset is.
        var durableTarget: Int64?
    }

    /// A Produce request's partitions after their appends, by topic, in request order.
    struct WrittenProduce: Sendable {
        var topics: [(name: String, partitions: [WrittenPartition])] = []
    }

    /// Appends every partition's batches now, without waiting for durability.
    func writeProduce(_ request: ProduceRequest) -> WrittenProduce {
        var written = WrittenProduce()
        let validAcks = [0, 1, -1].contains(request.acks)
        for topicData in request.topicData {
            let partitions = topicData.partitionData.map { data in
                validAcks ? write(topic: topicData.name, data)
                    : WrittenPartition(topic: topicData.name, result: Self.failed(data.index, .invalidRequiredAcks))
            }
            written.topics.append((topicData.name, partitions))
        }
        return written
    }

    /// Waits until every written partition is durable and builds the response.
    func awaitProduce(_ written: WrittenProduce) async -> ProduceResponse {
        var response = ProduceResponse()
        for (name, partitions) in written.topics {
            var topicResponse = ProduceResponse.TopicResponse()
            topicResponse.name = name
            topicResponse.partitionResponses = await withTaskGroup(of: ProduceResponse.PartitionResponse.self) { group in
                for partition in partitions {
                    group.addTask { await Self.durable(partition) }
                }
                var results: [ProduceResponse.PartitionResponse] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.index < $1.index }
            }
            for partition in topicResponse.partitionResponses where partition.errorCode != 0 {
                metrics.produceError(code: partition.errorCode)
            }
            response.responses.append(topicResponse)
        }
        return response
    }

    static func failed(_ index: Int32, _ code: KafkaErrorCode, _ message: String? = nil) -> ProduceResponse.PartitionResponse {
        var result = ProduceResponse.PartitionResponse()
        result.index = index
        result.errorCode = code.rawValue
        result.errorMessage = message
        return result
    }

    private static func durable(_ written: WrittenPartition) async -> ProduceResponse.PartitionResponse {
        guard let partition = written.partition, let target = written.durableTarget else { return written.result }
        do {
            try await partition.awaitDurable(target)
        } catch {
            return failed(written.result.index, kafkaError(error), "\(error)")
        }
        var result = written.result
        result.logStartOffset = partition.logStartOffset
        return result
    }

    private func write(topic name: String, _ data: ProduceRequest.PartitionData) -> WrittenPartition {
        var written = WrittenPartition(topic: name, result: ProduceResponse.PartitionResponse())
        written.result.index = data.index
        let topic: Topic?
        do {
            topic = config.autoCreateTopics ? try topicOrCreate(name) : topics.topic(name)
        } catch {
            written.result = Self.failed(data.index, kafkaError(error), "\(error)")
            return written
        }
        guard let partition = topic?.partition(Int(data.index)) else {
            written.result = Self.failed(data.index, .unknownTopicOrPartition)
            return written
        }
        guard let records = data.records, !records.isEmpty else {
            written.result = Self.failed(data.index, .corruptMessage, "no record batch")
            return written
        }
        guard records.count <= config.messageMaxBytes else {
            written.result = Self.failed(data.index, .messageTooLarge,
                                         "\(records.count) bytes exceed message.max.bytes \(config.messageMaxBytes)")
            return written
        }
        let batches: [[UInt8]]
        do {
            batches = try Self.splitBatches(records)
        } catch {
            written.result = Self.failed(data.index, .corruptMessage, "\(error)")
            return written
        }
        var count = 0
        do {
            for (i, batch) in batches.enumerated() {
                let range = try partition.writeBatch(raw: batch)
                if i == 0 { written.result.baseOffset = range.firstOffset }
                count += Int(range.lastOffset - range.firstOffset + 1)
                written.durableTarget = range.lastOffset + 1
            }
        } catch {
            if count > 0 { metrics.messagesIn(topic: name, partition: Int(data.index), count: count) }
            written.result = Self.failed(data.index, kafkaError(error), "\(error)")
            written.durableTarget = nil
            return written
        }
        metrics.messagesIn(topic: name, partition: Int(data.index), count: count)
        written.partition = partition
        return written
    }

    /// The record batches in a Produce partition's bytes, each checked for
    /// framing. The usual single batch is passed on without a copy.
    static func splitBatches(_ bytes: [UInt8]) throws -> [[UInt8]] {
        let first = try bytes.withUnsafeBytes { try RecordBatch.validateHeader($0) }
        if first.totalSize == bytes.count { return [bytes] }
        var batches: [[UInt8]] = []
        var position = 0
        try bytes.withUnsafeBytes { buffer in
            while position < buffer.count {
                let rest = UnsafeRawBufferPointer(rebasing: buffer[position...])
                let header = try RecordBatch.validateHeader(rest)
                batches.append(Array(rest[0..<header.totalSize]))
                position += header.totalSize
            }
        }
        return batches
    }
}
