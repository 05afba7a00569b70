import KafkaProtocol
import LogStorage
import NIOCore

/// Fetch: stored batches as they are, within max_bytes and partition_max_bytes
/// (the first batch found always goes, however large, as in Kafka), with
/// long polling until min_bytes are there or max_wait passes.
extension RequestHandler {
    /// The most record bytes one Fetch response carries, whatever the client
    /// asks (Kafka's broker-side fetch.max.bytes default, 55 MiB).
    static let fetchMaxBytes = 57_671_680
    /// The longest a Fetch long-polls, whatever max_wait_ms says (clients use ≤ 500 ms).
    static let fetchMaxWaitMs = 30_000

    /// Fetch responses with fewer record bytes than this are copied into one
    /// buffer; larger ones send the records from the segment files (sendfile).
    static let copyFetchesBelowBytes = 32 * 1024

    /// A Fetch's answer before encoding: the response without its records,
    /// and where each partition's records lie (one entry per partition, in
    /// response order).
    struct FetchRead: Sendable {
        var response = FetchResponse()
        var slices: [[LogSlice]] = []
        var bytes = 0
    }

    func fetch(_ request: FetchRequest) async -> FetchRead {
        // A connection closed mid-poll still holds its task until the wait ends, so the wait is bounded.
        let deadline = ContinuousClock.now + .milliseconds(min(max(0, Int(request.maxWaitMs)), Self.fetchMaxWaitMs))
        while true {
            let read = readFetch(request)
            let now = ContinuousClock.now
            if read.bytes >= max(1, Int(request.minBytes)) || now >= deadline || request.maxWaitMs <= 0 || Task.isCancelled {
                for topic in read.response.responses {
                    for partition in topic.partitions where partition.errorCode != 0 { metrics.fetchError(code: partition.errorCode) }
                }
                return read
            }
            await waitForAnyData(request, timeout: deadline - now)
            if Task.isCancelled { return readFetch(request) }
        }
    }

    /// Frames a Fetch's answer: small ones copied into one buffer, larger ones
    /// as encoded headers with the records sent from the segment files.
    func encodeFetch(_ read: FetchRead, header: RequestHeader, version: Int16) throws -> Outcome {
        var response = read.response
        var index = 0
        let copy = read.bytes < Self.copyFetchesBelowBytes
        for t in response.responses.indices {
            for p in response.responses[t].partitions.indices {
                let slices = read.slices[index]
                index += 1
                guard !slices.isEmpty else { continue }
                if copy {
                    var records: [UInt8] = []
                    for slice in slices { records += try slice.read() }
                    response.responses[t].partitions[p].records = records
                } else {
                    response.responses[t].partitions[p].externalRecordsCount = slices.reduce(0) { $0 + $1.count }
                }
            }
        }
        if copy { return try encode(response, header: header, version: version) }
        var out = ByteBuffer()
        out.writeInteger(Int32(0))
        header.encodeResponseHeader(into: &out)
        let runs = try response.encodeLeavingOutExternalBytes(into: &out, version: version)
        out.setInteger(Int32(out.readableBytes - 4 + read.bytes), at: out.readerIndex)
        var parts = ResponseParts()
        var position = out.readerIndex
        var runIndex = 0
        for slices in read.slices where !slices.isEmpty {
            let run = runs[runIndex]
            runIndex += 1
            parts.append(out.getSlice(at: position, length: run.position - position)!)
            for slice in slices { parts.append(slice) }
            position = run.position
        }
        parts.append(out.getSlice(at: position, length: out.writerIndex - position)!)
        return .parts(parts)
    }

    /// One pass over the requested partitions: the response without records,
    /// the slices of each partition and the record bytes in all.
    private func readFetch(_ request: FetchRequest) -> FetchRead {
        var read = FetchRead()
        var budget = min(request.maxBytes > 0 ? Int(request.maxBytes) : Int(Int32.max), Self.fetchMaxBytes)
        for wanted in request.topics {
            var topicResponse = FetchResponse.Topic()
            topicResponse.topic = wanted.topic
            let topic = topics.topic(wanted.topic)
            for spec in wanted.partitions {
                var out = FetchResponse.Partition()
                out.partitionIndex = spec.partition
                out.abortedTransactions = nil
                out.records = []
                var taken: [LogSlice] = []
                defer {
                    topicResponse.partitions.append(out)
                    read.slices.append(taken)
                }
                guard let partition = topic?.partition(Int(spec.partition)) else {
                    out.errorCode = KafkaErrorCode.unknownTopicOrPartition.rawValue
                    continue
                }
                let highWatermark = partition.highWatermark
                out.highWatermark = highWatermark
                out.lastStableOffset = highWatermark
                out.logStartOffset = partition.logStartOffset
                let limit = min(max(0, Int(spec.partitionMaxBytes)), budget)
                // Once something is in the response, the rest must fit; before that, one batch may exceed.
                guard limit > 0 || read.bytes == 0 else { continue }
                do {
                    let slices = try partition.readSlices(from: spec.fetchOffset, maxBytes: read.bytes == 0 ? max(limit, 1) : limit)
                    let count = slices.reduce(0) { $0 + $1.count }
                    if read.bytes == 0 || count <= limit {
                        taken = slices
                        read.bytes += count
                        budget = max(0, budget - count)
                    }
                } catch {
                    out.errorCode = kafkaError(error).rawValue
                }
            }
            read.response.responses.append(topicResponse)
        }
        return read
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
