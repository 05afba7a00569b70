import KafkaProtocol
import LogStorage

/// DescribeGroups, ListGroups and DeleteGroups.
extension GroupCoordinator {
    /// DescribeGroups: an unknown group is answered as Dead with no error, as Kafka does.
    public func describe(groupIds: [String]) -> [GroupDescription] {
        groupIds.map { id in
            guard !id.isEmpty else {
                return GroupDescription(groupId: id, error: .invalidGroupId, state: .dead, protocolType: "",
                                        protocolName: "", members: [])
            }
            guard let group = loadGroup(id, create: false) else {
                return GroupDescription(groupId: id, error: .none, state: .dead, protocolType: "", protocolName: "",
                                        members: [])
            }
            return group.description
        }
    }

    /// ListGroups: every group with members or committed offsets (Petrel's own
    /// consumers included), optionally only those in `states` (v4+ filter).
    public func list(states: Set<GroupState>? = nil) -> [GroupListing] {
        Set(groups.keys).union(store.groupsWithOffsets).sorted().compactMap { id in
            guard let group = loadGroup(id, create: false) else { return nil }
            if let states, !states.isEmpty, !states.contains(group.state) { return nil }
            return GroupListing(groupId: id, protocolType: group.protocolType ?? "", state: group.state)
        }
    }

    /// DeleteGroups: removes Empty groups and their committed offsets.
    /// NON_EMPTY_GROUP while members remain (or for a group one of Petrel's own
    /// consumers pins), GROUP_ID_NOT_FOUND for an unknown one.
    public func delete(groupIds: [String]) -> [(groupId: String, error: KafkaErrorCode)] {
        groupIds.map { id in
            guard !id.isEmpty else { return (id, .invalidGroupId) }
            guard var group = loadGroup(id, create: false) else { return (id, .groupIdNotFound) }
            guard group.state == .empty, !store.isPinned(group: id) else { return (id, .nonEmptyGroup) }
            do {
                try store.deleteOffsets(group: id)
            } catch {
                logger.error("deleting a group's offsets failed", metadata: ["group": "\(id)", "error": "\(error)"])
                return (id, .kafkaStorageError)
            }
            group.markDead(nowMillis: now)
            drop(id)
            return (id, .none)
        }
    }
}
