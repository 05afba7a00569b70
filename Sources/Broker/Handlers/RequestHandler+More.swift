import KafkaProtocol
import LogStorage
import NIOCore

/// FindCoordinator, InitProducerId, CreatePartitions, and the routing of the
/// config-change and group APIs.
extension RequestHandler {
    func dispatchMore(header: RequestHeader, body: inout ByteBuffer, peer: String) async throws -> Outcome {
        let version = header.apiVersion
        switch header.apiKey {
        case .findCoordinator:
            return try await run(FindCoordinatorRequest.self, header: header, body: &body) { findCoordinator($0, version: version) }
        case .initProducerId:
            return try await run(InitProducerIdRequest.self, header: header, body: &body) { initProducerId($0) }
        case .createPartitions:
            return try await run(CreatePartitionsRequest.self, header: header, body: &body) { createPartitions($0) }
        case .alterConfigs:
            return try await run(AlterConfigsRequest.self, header: header, body: &body) { alterConfigs($0) }
        case .incrementalAlterConfigs:
            return try await run(IncrementalAlterConfigsRequest.self, header: header, body: &body) { incrementalAlterConfigs($0) }
        case .joinGroup:
            return try await run(KafkaJoinGroupRequest.self, header: header, body: &body) {
                await joinGroup($0, version: version, clientId: header.clientId ?? "", peer: peer)
            }
        case .syncGroup:
            return try await run(KafkaSyncGroupRequest.self, header: header, body: &body) { await syncGroup($0) }
        case .heartbeat:
            return try await run(HeartbeatRequest.self, header: header, body: &body) { await heartbeat($0) }
        case .leaveGroup:
            return try await run(LeaveGroupRequest.self, header: header, body: &body) { await leaveGroup($0, version: version) }
        case .offsetCommit:
            return try await run(KafkaOffsetCommitRequest.self, header: header, body: &body) { await offsetCommit($0) }
        case .offsetFetch:
            return try await run(OffsetFetchRequest.self, header: header, body: &body) { await offsetFetch($0, version: version) }
        case .describeGroups:
            return try await run(DescribeGroupsRequest.self, header: header, body: &body) { await describeGroups($0) }
        case .listGroups:
            return try await run(ListGroupsRequest.self, header: header, body: &body) { await listGroups($0) }
        case .deleteGroups:
            return try await run(DeleteGroupsRequest.self, header: header, body: &body) { await deleteGroups($0) }
        default:
            return .close
        }
    }

    /// This broker coordinates every group; transactions are not offered.
    func findCoordinator(_ request: FindCoordinatorRequest, version: Int16) -> FindCoordinatorResponse {
        var response = FindCoordinatorResponse()
        let port = Int32(advertisedPort.load(ordering: .acquiring))
        let error: KafkaErrorCode = request.keyType == 0 ? .none : .coordinatorNotAvailable
        let found = error == .none
        if version <= 3 {
            response.errorCode = error.rawValue
            response.errorMessage = found ? nil : "transactions are not supported"
            response.nodeId = found ? config.nodeId : -1
            response.host = found ? advertisedHost : ""
            response.port = found ? port : -1
        } else {
            response.coordinators = request.allKeys.map { key in
                var coordinator = FindCoordinatorResponse.Coordinator()
                coordinator.key = key
                coordinator.errorCode = error.rawValue
                coordinator.errorMessage = found ? nil : "transactions are not supported"
                coordinator.nodeId = found ? config.nodeId : -1
                coordinator.host = found ? advertisedHost : ""
                coordinator.port = found ? port : -1
                return coordinator
            }
        }
        return response
    }

    /// A new producer id for an idempotent producer (durably allocated by the
    /// topic store, never reused); transactional ids are refused.
    func initProducerId(_ request: InitProducerIdRequest) -> InitProducerIdResponse {
        var response = InitProducerIdResponse()
        guard request.transactionalId == nil else {
            response.errorCode = KafkaErrorCode.coordinatorNotAvailable.rawValue
            return response
        }
        do {
            response.producerId = try topics.allocateProducerId()
            response.producerEpoch = 0
        } catch {
            response.errorCode = kafkaError(error).rawValue
        }
        return response
    }

    func createPartitions(_ request: CreatePartitionsRequest) -> CreatePartitionsResponse {
        var response = CreatePartitionsResponse()
        for wanted in request.topics {
            var result = CreatePartitionsResponse.Result()
            result.name = wanted.name
            do {
                guard let topic = topics.topic(wanted.name) else {
                    throw LogStorageError(.unknownTopic, "topic \"\(wanted.name)\" does not exist")
                }
                if let assignments = wanted.assignments,
                   assignments.contains(where: { !$0.brokerIds.isEmpty && $0.brokerIds != [config.nodeId] }) {
                    throw LogStorageError(.invalidRequest, "replica assignments may only name broker \(config.nodeId)")
                }
                if request.validateOnly {
                    guard Int(wanted.count) > topic.partitions.count, wanted.count <= 10_000 else {
                        throw LogStorageError(.invalidPartitions, "topic \"\(wanted.name)\" has \(topic.partitions.count) partitions; \(wanted.count) is not more")
                    }
                } else {
                    try topics.addPartitions(wanted.name, to: Int(wanted.count))
                }
            } catch {
                result.errorCode = kafkaError(error).rawValue
                result.errorMessage = kafkaErrorMessage(error)
            }
            response.results.append(result)
        }
        return response
    }
}
