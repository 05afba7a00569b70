import KafkaProtocol
import NIOCore
import PetrelCore

/// FindCoordinator and InitProducerId, and the routing of the APIs beyond the core set.
extension RequestHandler {
    func dispatchMore(header: RequestHeader, body: inout ByteBuffer) async throws -> Outcome {
        switch header.apiKey {
        case .findCoordinator:
            return try await run(FindCoordinatorRequest.self, header: header, body: &body) { findCoordinator($0, version: header.apiVersion) }
        case .initProducerId:
            return try await run(InitProducerIdRequest.self, header: header, body: &body) { initProducerId($0) }
        default:
            return .close
        }
    }

    /// This broker coordinates every group; transactions are not offered.
    func findCoordinator(_ request: FindCoordinatorRequest, version: Int16) -> FindCoordinatorResponse {
        var response = FindCoordinatorResponse()
        let port = Int32(advertisedPort.load(ordering: .acquiring))
        let error: KafkaErrorCode = request.keyType == 0 ? .none : .coordinatorNotAvailable
        if version <= 3 {
            response.errorCode = error.rawValue
            response.errorMessage = error == .none ? nil : "transactions are not supported"
            response.nodeId = error == .none ? config.nodeId : -1
            response.host = error == .none ? advertisedHost : ""
            response.port = error == .none ? port : -1
        } else {
            response.coordinators = request.allKeys.map { key in
                var coordinator = FindCoordinatorResponse.Coordinator()
                coordinator.key = key
                coordinator.errorCode = error.rawValue
                coordinator.nodeId = error == .none ? config.nodeId : -1
                coordinator.host = error == .none ? advertisedHost : ""
                coordinator.port = error == .none ? port : -1
                return coordinator
            }
        }
        return response
    }

    /// A new producer id for an idempotent producer; transactional ids are refused.
    func initProducerId(_ request: InitProducerIdRequest) -> InitProducerIdResponse {
        var response = InitProducerIdResponse()
        if request.transactionalId != nil {
            response.errorCode = KafkaErrorCode.coordinatorNotAvailable.rawValue
            return response
        }
        response.producerId = nextProducerId()
        response.producerEpoch = 0
        return response
    }
}
