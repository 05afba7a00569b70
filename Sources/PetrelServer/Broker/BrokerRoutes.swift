import PetrelCore
import Broker
import Hummingbird
import LogStorage

/// The broker admin API the dashboard reads: topics with their partitions
/// and sizes, consumer groups with members, assignments, committed offsets and
/// lag. JSON field names are documented in docs/consumer-groups.md.
struct BrokerRoutes {
    let components: PetrelComponents

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/v1/broker/topics") { _, _ in topicList() }
        router.get("/api/v1/broker/topics/{name}") { _, context in topic(context.parameters.get("name") ?? "") }
        router.get("/api/v1/broker/groups") { _, _ in await groupList() }
        router.get("/api/v1/broker/groups/{id}") { _, context in await group(context.parameters.get("id") ?? "") }
    }

    private func notFound(_ what: String) -> Response {
        var json = JSONWriter()
        json.raw("{\"error\":")
        json.string(what)
        json.raw("}")
        return .json(json.bytes, status: .notFound)
    }

    private func config(_ config: TopicConfig, into json: inout JSONWriter) {
        json.raw("{")
        for (i, entry) in config.kafkaConfigs.enumerated() {
            if i > 0 { json.raw(",") }
            json.string(entry.name)
            json.raw(":")
            json.string(entry.value)
        }
        json.raw("}")
    }

    // MARK: - Topics

    func topicList() -> Response {
        let store = components.topics
        var json = JSONWriter()
        json.raw("{\"topics\":[")
        var first = true
        for name in store.topicNames {
            guard let topic = store.topic(name) else { continue }
            if !first { json.raw(",") }
            first = false
            let partitions = topic.partitions
            let size = partitions.reduce(Int64(0)) { $0 + $1.sizeBytes }
            let messages = partitions.reduce(Int64(0)) { $0 + ($1.logEndOffset - $1.logStartOffset) }
            json.raw("{\"name\":")
            json.string(name)
            json.raw(",\"partitions\":\(partitions.count),\"sizeBytes\":\(size),\"messages\":\(messages),\"config\":")
            config(topic.config, into: &json)
            json.raw("}")
        }
        json.raw("]}")
        return .json(json.bytes)
    }

    func topic(_ name: String) -> Response {
        guard let topic = components.topics.topic(name) else { return notFound("topic \"\(name)\" does not exist") }
        var json = JSONWriter()
        json.raw("{\"name\":")
        json.string(name)
        json.raw(",\"config\":")
        config(topic.config, into: &json)
        json.raw(",\"partitions\":[")
        for (i, log) in topic.partitions.enumerated() {
            if i > 0 { json.raw(",") }
            let start = log.logStartOffset, end = log.logEndOffset
            json.raw("{\"partition\":\(i),\"startOffset\":\(start),\"endOffset\":\(end),")
            json.raw("\"highWatermark\":\(log.highWatermark),\"messages\":\(end - start),")
            json.raw("\"sizeBytes\":\(log.sizeBytes),\"segments\":\(log.segmentCount)}")
        }
        json.raw("]}")
        return .json(json.bytes)
    }

    // MARK: - Groups

    func groupList() async -> Response {
        let coordinator = components.groups
        let listed = await coordinator.list()
        let described = await coordinator.describe(groupIds: listed.map(\.groupId))
        var json = JSONWriter()
        json.raw("{\"groups\":[")
        for (i, group) in described.enumerated() {
            if i > 0 { json.raw(",") }
            header(group, into: &json)
            json.raw(",\"members\":\(group.members.count)}")
        }
        json.raw("]}")
        return .json(json.bytes)
    }

    func group(_ id: String) async -> Response {
        let coordinator = components.groups
        guard let group = await coordinator.describe(groupIds: [id]).first, group.state != .dead else {
            return notFound("consumer group \"\(id)\" does not exist")
        }
        let lags = await coordinator.lag(groupId: id)
        var json = JSONWriter()
        header(group, into: &json)
        json.raw(",\"members\":[")
        for (i, member) in group.members.enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{\"memberId\":")
            json.string(member.memberId)
            json.raw(",\"groupInstanceId\":")
            if let instance = member.groupInstanceId { json.string(instance) } else { json.raw("null") }
            json.raw(",\"clientId\":")
            json.string(member.clientId)
            json.raw(",\"clientHost\":")
            json.string(member.clientHost)
            json.raw(",\"assignment\":")
            if group.protocolType == "consumer", let assignment = ConsumerProtocolAssignment.decode(member.assignment) {
                json.raw("{")
                for (j, topic) in assignment.keys.sorted().enumerated() {
                    if j > 0 { json.raw(",") }
                    json.string(topic)
                    json.raw(":[\(assignment[topic]!.sorted().map(String.init).joined(separator: ","))]")
                }
                json.raw("}")
            } else {
                json.raw("null")
            }
            json.raw("}")
        }
        json.raw("],\"offsets\":[")
        for (i, lag) in lags.enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{\"topic\":")
            json.string(lag.topic)
            json.raw(",\"partition\":\(lag.partition),\"committedOffset\":\(lag.committedOffset),")
            json.raw("\"endOffset\":\(lag.endOffset),\"lag\":\(lag.lag)}")
        }
        json.raw("],\"totalLag\":\(lags.reduce(Int64(0)) { $0 + $1.lag })}")
        return .json(json.bytes)
    }

    /// The fields a group listing and a group's page share, object left open.
    private func header(_ group: GroupDescription, into json: inout JSONWriter) {
        json.raw("{\"id\":")
        json.string(group.groupId)
        json.raw(",\"state\":")
        json.string(group.state.rawValue)
        json.raw(",\"protocolType\":")
        json.string(group.protocolType)
        json.raw(",\"protocol\":")
        json.string(group.protocolName)
    }
}
