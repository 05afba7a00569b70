import KafkaProtocol
import Logging
import LogStorage
import NIOCore
import PetrelCore
import Synchronization

/// Turns one request frame into its response: reads the header, checks the
/// API and version against `ApiKey.supported`, decodes the body, runs the
/// API's handler and frames the answer. A version older than the supported
/// range gets UNSUPPORTED_VERSION in that version's layout
/// (`OldVersionRefusal`); a newer one, and other bad input, closes the
/// connection (counted) instead of answering garbage; it never crashes the broker.
final class RequestHandler: Sendable {
    /// What the connection does with a frame's outcome.
    enum Outcome: Sendable {
        case reply(ByteBuffer)
        /// A reply partly sent from segment files (a large Fetch).
        case parts(ResponseParts)
        /// Produce with acks=0.
        case noReply
        case close
    }

    /// A request's answer as the connection first sees it: ready at once, or
    /// still being worked on. A connection takes its next request while a
    /// `later` one runs (Produce waiting for its fsync, Fetch long-polling)
    /// and writes the answers in request order.
    enum Pending: Sendable {
        case ready(Outcome)
        case later(Task<Outcome, Never>)

        /// The outcome, once there.
        var outcome: Outcome {
            get async {
                switch self {
                case .ready(let outcome): return outcome
                case .later(let task): return await task.value
                }
            }
        }
    }

    let config: BrokerConfig
    let topics: TopicStore
    let groups: GroupCoordinator
    let clusterId: String
    let metrics: BrokerMetrics
    let logger: Logger
    let advertisedPort = Atomic<Int>(0)

    init(config: BrokerConfig, topics: TopicStore, groups: GroupCoordinator, clusterId: String, metrics: BrokerMetrics,
         logger: Logger) {
        self.config = config
        self.topics = topics
        self.groups = groups
        self.clusterId = clusterId
        self.metrics = metrics
        self.logger = logger
        advertisedPort.store(config.port, ordering: .relaxed)
    }

    var advertisedHost: String { config.advertisedHost ?? config.host }

    /// Answers one frame completely (tests and callers without pipelining).
    func respond(to frame: ByteBuffer, peer: String) async -> Outcome {
        await start(frame, peer: peer).outcome
    }

    /// Handles one frame up to the point where its answer only waits: every
    /// effect that must happen in request order (a Produce's appends) has
    /// happened when this returns; what is left runs in a task, on `executor`
    /// when given (the connection's event loop).
    func start(_ frame: ByteBuffer, peer: String, executor: (any TaskExecutor)? = nil) async -> Pending {
        let started = monotonicNanos()
        var body = frame
        let header: RequestHeader
        do {
            header = try RequestHeader.decode(from: &body)
        } catch {
            metrics.badFrame(reason: "header")
            logger.debug("kafka request header unreadable", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return .ready(.close)
        }
        let api = header.apiKey
        guard let support = api.support else {
            metrics.badFrame(reason: "unknown_api")
            logger.debug("kafka request for an unknown API", metadata: ["peer": "\(peer)", "apiKey": "\(api.rawValue)"])
            return .ready(.close)
        }
        metrics.request(api: support.name, version: header.apiVersion, bytesIn: frame.readableBytes + 4)
        guard api.supports(version: header.apiVersion) else {
            if api == .apiVersions {
                // A client newer than us: answer in v0 form with our ranges so it can pick one.
                return .ready(frameResponse(header: header, version: 0,
                                            ApiVersionsResponse.supported(errorCode: .unsupportedVersion),
                                            api: support.name, started: started))
            }
            if let answer = try? OldVersionRefusal.responseBody(api: api, version: header.apiVersion, body: body) {
                // An older version than ours: error 35 in that version's layout (Kafka itself would close).
                var answer = answer
                var out = ByteBuffer()
                out.writeInteger(Int32(0))
                header.encodeResponseHeader(into: &out)
                out.writeBuffer(&answer)
                out.setInteger(Int32(out.readableBytes - 4), at: out.readerIndex)
                metrics.responded(api: support.name, bytes: out.readableBytes, nanos: monotonicNanos() - started)
                return .ready(.reply(out))
            }
            metrics.badFrame(reason: "unsupported_version")
            logger.debug("kafka request at an unsupported version", metadata: [
                "peer": "\(peer)", "api": "\(support.name)", "version": "\(header.apiVersion)"])
            return .ready(.close)
        }
        let bodyStart = body
        let refused = { @Sendable (error: any Error) -> Outcome in
            self.metrics.badFrame(reason: "body")
            self.logger.debug("kafka request refused", metadata: [
                "peer": "\(peer)", "api": "\(support.name)", "version": "\(header.apiVersion)", "error": "\(error)",
                "frame": "\(frame.getBytes(at: frame.readerIndex, length: min(64, frame.readableBytes)) ?? [])", "bodyBytes": "\(bodyStart.readableBytes)"])
            return .close
        }
        let timed = { @Sendable (outcome: Outcome) -> Outcome in
            switch outcome {
            case .reply(let bytes):
                self.metrics.responded(api: support.name, bytes: bytes.readableBytes, nanos: monotonicNanos() - started)
            case .parts(let parts):
                self.metrics.responded(api: support.name, bytes: parts.byteCount, nanos: monotonicNanos() - started)
            case .noReply, .close:
                break
            }
            return outcome
        }
        let work: Work
        do {
            work = try await dispatch(header: header, body: &body, peer: peer)
        } catch {
            return .ready(refused(error))
        }
        switch work {
        case .done(let outcome):
            return .ready(timed(outcome))
        case .waiting(let rest):
            return .later(Task(executorPreference: executor) {
                do { return timed(try await rest()) } catch { return refused(error) }
            })
        }
    }

    /// What `dispatch` leaves: an outcome, or the rest of the work, which
    /// only waits (for durability or data) and may overlap later requests.
    enum Work: Sendable {
        case done(Outcome)
        case waiting(@Sendable () async throws -> Outcome)
    }

    /// Decodes `Request`, runs `handle` and frames its response.
    func run<Request: KafkaMessage, Response: KafkaMessage>(
        _ type: Request.Type, header: RequestHeader, body: inout ByteBuffer,
        _ handle: (Request) async throws -> Response
    ) async throws -> Outcome {
        let request = try Request.decode(from: &body, version: header.apiVersion)
        let response = try await handle(request)
        return try encode(response, header: header, version: header.apiVersion)
    }

    func encode<Response: KafkaMessage>(_ response: Response, header: RequestHeader, version: Int16) throws -> Outcome {
        var out = ByteBuffer()
        out.writeInteger(Int32(0))
        header.encodeResponseHeader(into: &out)
        try response.encode(into: &out, version: version)
        out.setInteger(Int32(out.readableBytes - 4), at: out.readerIndex)
        return .reply(out)
    }

    private func frameResponse<Response: KafkaMessage>(header: RequestHeader, version: Int16, _ response: Response,
                                                       api: String, started: UInt64) -> Outcome {
        guard let outcome = try? encode(response, header: header, version: version) else { return .close }
        if case .reply(let bytes) = outcome {
            metrics.responded(api: api, bytes: bytes.readableBytes, nanos: monotonicNanos() - started)
        }
        return outcome
    }

    private func dispatch(header: RequestHeader, body: inout ByteBuffer, peer: String) async throws -> Work {
        switch header.apiKey {
        case .apiVersions:
            return .done(try await run(ApiVersionsRequest.self, header: header, body: &body) { _ in ApiVersionsResponse.supported() })
        case .metadata:
            return .done(try await run(MetadataRequest.self, header: header, body: &body) { try metadata($0, version: header.apiVersion) })
        case .produce:
            // The appends happen now, in request order; only the wait for durability overlaps later requests.
            let request = try ProduceRequest.decode(from: &body, version: header.apiVersion)
            let written = writeProduce(request)
            return .waiting {
                let response = await self.awaitProduce(written)
                if request.acks == 0 { return .noReply }
                return try self.encode(response, header: header, version: header.apiVersion)
            }
        case .fetch:
            let request = try FetchRequest.decode(from: &body, version: header.apiVersion)
            return .waiting { try self.encodeFetch(await self.fetch(request), header: header, version: header.apiVersion) }
        case .listOffsets:
            return .done(try await run(ListOffsetsRequest.self, header: header, body: &body) { listOffsets($0) })
        case .createTopics:
            return .done(try await run(CreateTopicsRequest.self, header: header, body: &body) { createTopics($0, version: header.apiVersion) })
        case .deleteTopics:
            return .done(try await run(DeleteTopicsRequest.self, header: header, body: &body) { deleteTopics($0) })
        case .describeConfigs:
            return .done(try await run(DescribeConfigsRequest.self, header: header, body: &body) { describeConfigs($0) })
        default:
            return .done(try await dispatchMore(header: header, body: &body, peer: peer))
        }
    }
}

/// The Kafka error code for a topic-store failure.
func kafkaError(_ error: any Error) -> KafkaErrorCode {
    guard let error = error as? LogStorageError else { return .unknownServerError }
    switch error.code {
    case .offsetOutOfRange: return .offsetOutOfRange
    case .topicAlreadyExists: return .topicAlreadyExists
    case .unknownTopic: return .unknownTopicOrPartition
    case .invalidTopicName: return .invalidTopicException
    case .invalidConfig: return .invalidConfig
    case .corruptBatch: return .corruptMessage
    case .recordTooLarge: return .messageTooLarge
    case .io: return .kafkaStorageError
    case .invalidRequest: return .invalidRequest
    case .closed: return .unknownTopicOrPartition
    case .invalidPartitions: return .invalidPartitions
    case .outOfOrderSequence: return .outOfOrderSequenceNumber
    case .invalidProducerEpoch: return .invalidProducerEpoch
    }
}

/// The text an admin response carries beside `kafkaError(error)`: the storage's own
/// message when it has one.
func kafkaErrorMessage(_ error: any Error) -> String {
    (error as? LogStorageError)?.message ?? "\(error)"
}
