import KafkaProtocol
import LogStorage

/// Fetch: stored batches as they are, within max_bytes and partition_max_bytes
/// (the first batch found always goes, however large, as in Kafka), with
/// long polling until min_bytes are there or max_wait passes.
extension RequestHandler {
    /// The most record bytes one Fetch response carries, whatever the client
    /// asks (Kafka's broker-side fetch.max.bytes default, 55 MiB).
    static let fetchMaxBytes = 57_671_680
    /// The longest a Fetch long-polls, whatever max_wait_ms says (clients use ≤ 500 ms).
    static let fetchMaxWaitMs = 30_000

    func fetch(_ request: FetchRequest) async -> FetchResponse {
        // A connection closed mid-poll still holds its task until the wait ends, so the wait is bounded.
        let deadline = ContinuousClock.now + .milliseconds(min(max(0, Int(request.maxWaitMs)), Self.fetchMaxWaitMs))
        while true {
            let (response, bytes) = readFetch(request)
            let now = ContinuousClock.now
            if bytes >= max(1, Int(request.minBytes)) || now >= deadline || request.maxWaitMs <= 0 || Task.isCancelled {
                for topic in response.responses {
                    for partition in topic.partitions where partition.errorCode != 0 { metrics.fetchError(code: partition.errorCode) }
                }
                return response
            }
            await waitForAnyData(request, timeout: deadline - now)
            if Task.isCancelled { return readFetch(request).0 }
        }
    }

    /// One pass over the requested partitions; returns the response and the record bytes in it.
    private func readFetch(_ request: FetchRequest) -> (FetchResponse, Int) {
        var response = FetchResponse()
        var budget = min(request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max), Self.fetchMaxBytes)
        var total = 0
        for wanted in request.topics {
            var topicResponse = FetchResponse.Topic()
            topicResponse.topic = wanted.topic
            let topic = topics.topic(wanted.topic)
            for spec in wanted.partitions {
                var out = FetchResponse.Partition()
                out.partitionIndex = spec.partition
                out.abortedTransactions = nil
                guard let partition = topic?.partition(Int(spec.partition)) else {
                    out.errorCode = KafkaErrorCode.unknownTopicOrPartition.rawValue
                    out.records = []
                    topicResponse.partitions.append(out)
                    continue
                }
                let highWatermark = partition.highWatermark
                out.highWatermark = highWatermark
                out.lastStableOffset = highWatermark
                out.logStartOffset = partition.logStartOffset
                let limit = min(max(0, Int(spec.partitionMaxBytes)), budget)
                // Once something is in the response, the rest must fit; before that, one batch may exceed.
                if limit > 0 || total == 0 {
                    do {
                        let bytes = try partition.readRaw(from: spec.fetchOffset, maxBytes: total == 0 ? max(limit, 1) : limit)
                        if total > 0 && bytes.count > limit {
                            out.records = []
                        } else {
                            out.records = bytes
                            total += bytes.count
                            budget = max(0, budget - bytes.count)
                        }
                    } catch {
                        out.errorCode = kafkaError(error).rawValue
                        out.records = []
                    }
                } else {
                    out.records = []
                }
                topicResponse.partitions.append(out)
            }
            response.responses.append(topicResponse)
        }
        return (response, total)
    }

    /// Returns when any requested partition has data past its fetch offset, or after `timeout`.
    private func waitForAnyData(_ request: FetchRequest, timeout: Duration) async {
        var targets: [(PartitionLog, Int64)] = []
        for wanted in request.topics {
            guard let topic = topics.topic(wanted.topic) else { continue }
            for spec in wanted.partitions {
                if let partition = topic.partition(Int(spec.partition)) { targets.append((partition, spec.fetchOffset)) }
            }
        }
        guard !targets.isEmpty else {
            try? await Task.sleep(for: timeout)
            return
        }
        await withTaskGroup(of: Bool.self) { group in
            for (partition, offset) in targets {
                group.addTask { await partition.waitForData(after: offset, timeout: timeout) }
            }
            _ = await group.next()
            group.cancelAll()
        }
    }
}
