import KafkaProtocol

/// The group APIs: wire requests copied into `GroupCoordinator`'s plain
/// types and its answers back into wire responses. (The coordinator owns the
/// short names JoinGroupRequest, SyncGroupRequest and OffsetCommitRequest; the
/// wire types are KafkaJoinGroupRequest and so on.)
extension RequestHandler {
    func joinGroup(_ r: KafkaJoinGroupRequest, version: Int16, clientId: String, peer: String) async -> JoinGroupResponse {
        let result = await groups.join(JoinGroupRequest(
            groupId: r.groupId, sessionTimeoutMs: r.sessionTimeoutMs,
            rebalanceTimeoutMs: version >= 1 ? r.rebalanceTimeoutMs : r.sessionTimeoutMs,
            memberId: r.memberId, groupInstanceId: r.groupInstanceId, protocolType: r.protocolType,
            protocols: r.protocols.map { GroupProtocol(name: $0.name, metadata: $0.metadata) },
            clientId: clientId, clientHost: peer, requireKnownMemberId: version >= 4))
        var response = JoinGroupResponse()
        response.errorCode = result.error.rawValue
        response.generationId = result.generationId
        response.protocolType = result.protocolType
        response.protocolName = result.protocolName
        response.leader = result.leader
        response.memberId = result.memberId
        response.members = result.members.map { member in
            var out = JoinGroupResponse.Member()
            out.memberId = member.memberId
            out.groupInstanceId = member.groupInstanceId
            out.metadata = member.metadata
            return out
        }
        return response
    }

    func syncGroup(_ r: KafkaSyncGroupRequest) async -> SyncGroupResponse {
        var assignments: [String: [UInt8]] = [:]
        for assignment in r.assignments { assignments[assignment.memberId] = assignment.assignment }
        let result = await groups.sync(SyncGroupRequest(
            groupId: r.groupId, generationId: r.generationId, memberId: r.memberId, groupInstanceId: r.groupInstanceId,
            protocolType: r.protocolType, protocolName: r.protocolName, assignments: assignments))
        var response = SyncGroupResponse()
        response.errorCode = result.error.rawValue
        response.protocolType = result.protocolType
        response.protocolName = result.protocolName
        response.assignment = result.assignment
        return response
    }

    func heartbeat(_ r: HeartbeatRequest) async -> HeartbeatResponse {
        var response = HeartbeatResponse()
        response.errorCode = await groups.heartbeat(groupId: r.groupId, generationId: r.generationId, memberId: r.memberId,
                                                    groupInstanceId: r.groupInstanceId).rawValue
        return response
    }

    func leaveGroup(_ r: LeaveGroupRequest, version: Int16) async -> LeaveGroupResponse {
        let leaving = version <= 2 ? [LeavingMember(memberId: r.memberId)]
            : r.members.map { LeavingMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId) }
        let result = await groups.leave(groupId: r.groupId, members: leaving)
        var response = LeaveGroupResponse()
        if version <= 2 {
            response.errorCode = (result.error != .none ? result.error : result.members.first?.error ?? .none).rawValue
        } else {
            response.errorCode = result.error.rawValue
            response.members = result.members.map { member in
                var out = LeaveGroupResponse.Member()
                out.memberId = member.memberId
                out.groupInstanceId = member.groupInstanceId
                out.errorCode = member.error.rawValue
                return out
            }
        }
        return response
    }

    func offsetCommit(_ r: KafkaOffsetCommitRequest) async -> OffsetCommitResponse {
        let partitions = r.topics.flatMap { topic in
            topic.partitions.map {
                OffsetCommitRequest.Partition(topic: topic.name, partition: Int($0.partitionIndex),
                                              offset: $0.committedOffset, metadata: $0.committedMetadata)
            }
        }
        let results = await groups.commitOffsets(OffsetCommitRequest(
            groupId: r.groupId, generationId: r.generationId, memberId: r.memberId,
            groupInstanceId: r.groupInstanceId, partitions: partitions))
        var errors: [String: [Int: KafkaErrorCode]] = [:]
        for result in results { errors[result.topic, default: [:]][result.partition] = result.error }
        var response = OffsetCommitResponse()
        response.topics = r.topics.map { topic in
            var out = OffsetCommitResponse.Topic()
            out.name = topic.name
            out.partitions = topic.partitions.map { partition in
                var p = OffsetCommitResponse.Partition()
                p.partitionIndex = partition.partitionIndex
                p.errorCode = (errors[topic.name]?[Int(partition.partitionIndex)] ?? .unknownServerError).rawValue
                return p
            }
            return out
        }
        return response
    }

    func offsetFetch(_ r: OffsetFetchRequest, version: Int16) async -> OffsetFetchResponse {
        var response = OffsetFetchResponse()
        for group in r.allGroups {
            let wanted = group.topics.map { $0.map { (topic: $0.name, partitions: $0.partitionIndexes.map { Int($0) }) } }
            let result = await groups.fetchOffsets(groupId: group.groupId, topics: wanted)
            var topics: [OffsetFetchResponse.Topic] = []
            var index: [String: Int] = [:]
            for fetched in result.partitions {
                var p = OffsetFetchResponse.Partition()
                p.partitionIndex = Int32(fetched.partition)
                p.committedOffset = fetched.offset
                p.metadata = fetched.metadata
                p.errorCode = fetched.error.rawValue
                if let i = index[fetched.topic] {
                    topics[i].partitions.append(p)
                } else {
                    index[fetched.topic] = topics.count
                    var t = OffsetFetchResponse.Topic()
                    t.name = fetched.topic
                    t.partitions = [p]
                    topics.append(t)
                }
            }
            if version <= 7 {
                response.topics = topics
                response.errorCode = result.error.rawValue
            } else {
                var out = OffsetFetchResponse.Group()
                out.groupId = group.groupId
                out.topics = topics
                out.errorCode = result.error.rawValue
                response.groups.append(out)
            }
        }
        return response
    }

    func describeGroups(_ r: DescribeGroupsRequest) async -> DescribeGroupsResponse {
        var response = DescribeGroupsResponse()
        response.groups = await groups.describe(groupIds: r.groups).map { group in
            var out = DescribeGroupsResponse.Group()
            out.errorCode = group.error.rawValue
            out.groupId = group.groupId
            out.groupState = group.state.rawValue
            out.protocolType = group.protocolType
            out.protocolData = group.protocolName
            out.members = group.members.map { member in
                var m = DescribeGroupsResponse.Member()
                m.memberId = member.memberId
                m.groupInstanceId = member.groupInstanceId
                m.clientId = member.clientId
                m.clientHost = member.clientHost
                m.memberMetadata = member.metadata
                m.memberAssignment = member.assignment
                return m
            }
            return out
        }
        return response
    }

    func listGroups(_ r: ListGroupsRequest) async -> ListGroupsResponse {
        let states = r.statesFilter.isEmpty ? nil : Set(r.statesFilter.compactMap { GroupState(kafkaName: $0) })
        var response = ListGroupsResponse()
        response.groups = await groups.list(states: states).map { group in
            var out = ListGroupsResponse.Group()
            out.groupId = group.groupId
            out.protocolType = group.protocolType
            out.groupState = group.state.rawValue
            return out
        }
        return response
    }

    func deleteGroups(_ r: DeleteGroupsRequest) async -> DeleteGroupsResponse {
        var response = DeleteGroupsResponse()
        response.results = await groups.delete(groupIds: r.groupsNames).map { result in
            var out = DeleteGroupsResponse.Result()
            out.groupId = result.groupId
            out.errorCode = result.error.rawValue
            return out
        }
        return response
    }
}
