import KafkaProtocol
import LogStorage
import PetrelCore

/// Produce: each partition's batches are appended as they are; partitions
/// are appended concurrently, so one group-commit fsync covers them all.
extension RequestHandler {
    func produce(_ request: ProduceRequest) async -> ProduceResponse {
        var response = ProduceResponse()
        let validAcks = [0, 1, -1].contains(request.acks)
        for topicData in request.topicData {
            var topicResponse = ProduceResponse.TopicResponse()
            topicResponse.name = topicData.name
            topicResponse.partitionResponses = await withTaskGroup(of: ProduceResponse.PartitionResponse.self) { group in
                for data in topicData.partitionData {
                    group.addTask {
                        guard validAcks else { return Self.failed(data.index, .invalidRequiredAcks) }
                        return await self.append(topic: topicData.name, data)
                    }
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

    private func append(topic name: String, _ data: ProduceRequest.PartitionData) async -> ProduceResponse.PartitionResponse {
        let topic: Topic?
        do {
            topic = config.autoCreateTopics ? try topicOrCreate(name) : topics.topic(name)
        } catch {
            return Self.failed(data.index, kafkaError(error), "\(error)")
        }
        guard let partition = topic?.partition(Int(data.index)) else {
            return Self.failed(data.index, .unknownTopicOrPartition)
        }
        guard let records = data.records, !records.isEmpty else {
            return Self.failed(data.index, .corruptMessage, "no record batch")
        }
        guard records.count <= config.messageMaxBytes else {
            return Self.failed(data.index, .messageTooLarge,
                               "\(records.count) bytes exceed message.max.bytes \(config.messageMaxBytes)")
        }
        let batches: [[UInt8]]
        do {
            batches = try Self.splitBatches(records)
        } catch {
            return Self.failed(data.index, .corruptMessage, "\(error)")
        }
        var result = ProduceResponse.PartitionResponse()
        result.index = data.index
        var count = 0
        do {
            for (i, batch) in batches.enumerated() {
                let range = try await partition.appendBatch(raw: batch)
                if i == 0 { result.baseOffset = range.firstOffset }
                count += Int(range.lastOffset - range.firstOffset + 1)
            }
        } catch {
            let code = kafkaError(error)
            if count > 0 { metrics.messagesIn(topic: name, partition: Int(data.index), count: count) }
            return Self.failed(data.index, code, "\(error)")
        }
        metrics.messagesIn(topic: name, partition: Int(data.index), count: count)
        result.logStartOffset = partition.logStartOffset
        return result
    }

    /// The record batches in a Produce partition's bytes, each checked for framing.
    static func splitBatches(_ bytes: [UInt8]) throws -> [[UInt8]] {
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
