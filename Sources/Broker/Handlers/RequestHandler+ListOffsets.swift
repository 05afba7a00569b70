import KafkaProtocol
import LogStorage

/// ListOffsets: -1 latest (the high watermark), -2 earliest, -3 the record
/// with the largest timestamp, or the first offset at or after a timestamp.
extension RequestHandler {
    func listOffsets(_ request: ListOffsetsRequest) -> ListOffsetsResponse {
        var response = ListOffsetsResponse()
        for wanted in request.topics {
            var topicResponse = ListOffsetsResponse.Topic()
            topicResponse.name = wanted.name
            let topic = topics.topic(wanted.name)
            for spec in wanted.partitions {
                var out = ListOffsetsResponse.Partition()
                out.partitionIndex = spec.partitionIndex
                guard let partition = topic?.partition(Int(spec.partitionIndex)) else {
                    out.errorCode = KafkaErrorCode.unknownTopicOrPartition.rawValue
                    topicResponse.partitions.append(out)
                    continue
                }
                out.leaderEpoch = 0
                switch spec.timestamp {
                case ListOffsetsRequest.latestTimestamp:
                    out.offset = partition.highWatermark
                case ListOffsetsRequest.earliestTimestamp:
                    out.offset = partition.logStartOffset
                case let timestamp where timestamp >= 0:
                    if let offset = partition.offset(atOrAfterTimestamp: timestamp) {
                        out.offset = offset
                        out.timestamp = (try? partition.read(from: offset, maxBytes: 1))?.first?.timestamp ?? timestamp
                    }
                case ListOffsetsRequest.maxTimestamp:
                    if let found = partition.maxTimestampRecord() {
                        out.offset = found.offset
                        out.timestamp = found.timestamp
                    }
                default:
                    // Other special timestamps (-4 earliest local, -5 earliest tiered) have no meaning here: answer "none".
                    break
                }
                topicResponse.partitions.append(out)
            }
            response.topics.append(topicResponse)
        }
        return response
    }
}
