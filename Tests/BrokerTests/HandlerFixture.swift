import Foundation
import KafkaProtocol
import Logging
import LogStorage
import NIOCore
import PetrelCore
import Testing
@testable import Broker

/// A broker's request handler over a fresh topic store in /tmp.
final class HandlerFixture {
    let directory: String
    let topics: TopicStore
    let broker: KafkaBroker
    var correlation: Int32 = 0

    init(config: BrokerConfig = BrokerConfig(port: 0)) throws {
        directory = "/tmp/petrel-broker-tests/\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        topics = try TopicStore(directory: directory, options: TopicStoreOptions(fsync: .never, logger: logger))
        broker = try KafkaBroker(config: config, topics: topics, groups: GroupCoordinator(store: topics, logger: logger),
                                 logger: logger)
    }

    deinit {
        try? topics.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends `request` at `version` through the handler; returns the raw outcome.
    func send<Request: KafkaMessage>(_ request: Request, version: Int16) async throws -> RequestHandler.Outcome {
        correlation += 1
        var frame = ByteBuffer()
        try RequestHeader(apiKey: Request.apiKey, apiVersion: version, correlationId: correlation, clientId: "t").encode(into: &frame)
        try request.encode(into: &frame, version: version)
        return await broker.handler.respond(to: frame, peer: "test")
    }

    /// Sends `request` and decodes the response, checking the frame and correlation id.
    func call<Request: KafkaMessage, Response: KafkaMessage>(_ request: Request, version: Int16,
                                                             as: Response.Type) async throws -> Response {
        var bytes: ByteBuffer
        switch try await send(request, version: version) {
        case .reply(let reply): bytes = reply
        case .parts(let parts): bytes = try parts.flattened()
        case .noReply, .close: throw KafkaProtocolError(.invalidValue, "no reply to \(Request.self) v\(version)")
        }
        #expect(bytes.readInteger(as: Int32.self) == Int32(bytes.readableBytes))
        #expect(bytes.readInteger(as: Int32.self) == correlation)
        if Request.apiKey != .apiVersions && Request.apiKey.isFlexible(version: version) {
            #expect(bytes.readInteger(as: UInt8.self) == 0)
        }
        return try Response.decode(from: &bytes, version: version)
    }
}

func recordBatch(_ values: [String], key: String? = "k") -> [UInt8] {
    var out: [UInt8] = []
    RecordBatch.encode(values.map { Record(timestamp: 1_700_000_000_000, key: key.map { Array($0.utf8) }, value: Array($0.utf8)) },
                       baseOffset: 0, into: &out)
    return out
}

func produceRequest(_ topic: String, partition: Int32 = 0, _ records: [UInt8]?, acks: Int16 = -1) -> ProduceRequest {
    var request = ProduceRequest()
    request.acks = acks
    request.topicData = [ProduceRequest.TopicData(name: topic, partitionData: [ProduceRequest.PartitionData(index: partition, records: records)])]
    return request
}

func fetchRequest(_ topic: String, offset: Int64, maxWaitMs: Int32 = 0, maxBytes: Int32 = 1 << 20) -> FetchRequest {
    var request = FetchRequest()
    request.maxWaitMs = maxWaitMs
    request.topics = [FetchRequest.Topic(topic: topic, partitions: [FetchRequest.Partition(partition: 0, fetchOffset: offset, partitionMaxBytes: maxBytes)])]
    return request
}
