import PetrelCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Committed consumer offsets and pinned groups, in one append-only,
/// CRC-framed file that is fsynced on every commit and compacted on open.
/// Layout in docs/formats/topic-log.md.
final class ConsumerOffsets: Sendable {
    struct Key: Hashable, Sendable {
        var group: String
        var topic: String
        var partition: Int
    }

    struct Committed: Sendable, Equatable {
        var offset: Int64
        var metadata: String
        var timestampMillis: Int64
    }

    struct GroupTopic: Hashable, Sendable {
        var group: String
        var topic: String
    }

    private enum Kind: UInt8 { case commit = 1, pin = 2, unpin = 3 }
    static let version: UInt8 = 1

    private struct State {
        var fd: Int32
        var size: Int
        var committed: [Key: Committed] = [:]
        var pinned: Set<GroupTopic> = []
    }

    let path: String
    let directory: String
    private let state: Mutex<State>

    /// Loads the file, dropping a torn tail, and rewrites it compacted.
    init(directory: String) throws(LogStorageError) {
        self.directory = directory
        path = "\(directory)/consumer-offsets.log"
        var committed: [Key: Committed] = [:]
        var pinned: Set<GroupTopic> = []
        if let bytes = try FileIO.readFile(path) {
            let newerVersion: UInt8? = bytes.withUnsafeBytes { buf in
                var position = 0
                while position + 8 <= buf.count {
                    let length = Int(BigEndian.read(UInt32.self, buf, at: position))
                    let crc = BigEndian.read(UInt32.self, buf, at: position + 4)
                    guard position + 8 + length <= buf.count else { break }
                    let payload = UnsafeRawBufferPointer(rebasing: buf[(position + 8)..<(position + 8 + length)])
                    guard CRC32C.checksum(payload) == crc else { break }
                    // An intact entry from a newer build: stop rather than compact it away.
                    if let first = payload.first, first > ConsumerOffsets.version { return first }
                    guard ConsumerOffsets.apply(payload, &committed, &pinned) else { break }
                    position += 8 + length
                }
                return nil
            }
            if let newerVersion {
                throw LogStorageError(.invalidConfig,
                                      "\(path): entry version \(newerVersion) is newer than this build reads (\(ConsumerOffsets.version))")
            }
        }
        var compacted: [UInt8] = []
        for group in pinned { ConsumerOffsets.appendEntry(.pin, group.group, group.topic, -1, -1, "", 0, to: &compacted) }
        for (key, value) in committed {
            ConsumerOffsets.appendEntry(.commit, key.group, key.topic, key.partition, value.offset, value.metadata,
                                        value.timestampMillis, to: &compacted)
        }
        try FileIO.writeAtomically(compacted, to: path, directory: directory)
        let fd = try FileIO.open(path, create: false)
        state = Mutex(State(fd: fd, size: compacted.count, committed: committed, pinned: pinned))
    }

    deinit {
        _ = state.withLock { close($0.fd) }
    }

    func commit(_ key: Key, offset: Int64, metadata: String, nowMillis: Int64) throws(LogStorageError) {
        var entry: [UInt8] = []
        ConsumerOffsets.appendEntry(.commit, key.group, key.topic, key.partition, offset, metadata, nowMillis, to: &entry)
        try state.withLock { (s) throws(LogStorageError) in
            try write(entry, &s)
            s.committed[key] = Committed(offset: offset, metadata: metadata, timestampMillis: nowMillis)
        }
    }

    /// Stores several commits of one group with one write and one fsync.
    func commit(_ entries: [(Key, offset: Int64, metadata: String)], nowMillis: Int64) throws(LogStorageError) {
        guard !entries.isEmpty else { return }
        var bytes: [UInt8] = []
        for (key, offset, metadata) in entries {
            ConsumerOffsets.appendEntry(.commit, key.group, key.topic, key.partition, offset, metadata, nowMillis, to: &bytes)
        }
        try state.withLock { (s) throws(LogStorageError) in
            try write(bytes, &s)
            for (key, offset, metadata) in entries {
                s.committed[key] = Committed(offset: offset, metadata: metadata, timestampMillis: nowMillis)
            }
        }
    }

    /// Every committed offset of `group`.
    func committed(group: String) -> [(Key, Committed)] {
        state.withLock { s in s.committed.filter { $0.key.group == group }.map { ($0.key, $0.value) } }
    }

    /// Groups holding at least one committed offset.
    var groups: Set<String> {
        state.withLock { Set($0.committed.keys.map(\.group)) }
    }

    func isPinned(group: String) -> Bool {
        state.withLock { s in s.pinned.contains { $0.group == group } }
    }

    /// Forgets every committed offset of a group (deleted, or expired by offsets retention).
    func forget(group: String) throws(LogStorageError) {
        try state.withLock { (s) throws(LogStorageError) in
            let keys = s.committed.keys.filter { $0.group == group }
            guard !keys.isEmpty else { return }
            var bytes: [UInt8] = []
            for key in keys {
                // A commit of -1 reads back as "no committed offset".
                ConsumerOffsets.appendEntry(.commit, key.group, key.topic, key.partition, -1, "", 0, to: &bytes)
            }
            try write(bytes, &s)
            for key in keys { s.committed[key] = nil }
        }
    }

    func committed(_ key: Key) -> Committed? {
        state.withLock { $0.committed[key] }
    }

    func setPinned(_ groupTopic: GroupTopic, _ pinned: Bool) throws(LogStorageError) {
        var entry: [UInt8] = []
        ConsumerOffsets.appendEntry(pinned ? .pin : .unpin, groupTopic.group, groupTopic.topic, -1, -1, "", 0, to: &entry)
        try state.withLock { (s) throws(LogStorageError) in
            guard s.pinned.contains(groupTopic) != pinned else { return }
            try write(entry, &s)
            if pinned { s.pinned.insert(groupTopic) } else { s.pinned.remove(groupTopic) }
        }
    }

    /// The lowest offset a pinned group still needs in a partition: its
    /// committed offset (0 when it has none); nil when no group pins the topic.
    func protectedFrom(topic: String, partition: Int) -> Int64? {
        state.withLock { s in
            var lowest: Int64?
            for pin in s.pinned where pin.topic == topic {
                let offset = s.committed[Key(group: pin.group, topic: topic, partition: partition)]?.offset ?? 0
                lowest = min(lowest ?? offset, offset)
            }
            return lowest
        }
    }

    /// Forgets everything about a deleted topic.
    func forget(topic: String) throws(LogStorageError) {
        try state.withLock { (s) throws(LogStorageError) in
            let pins = s.pinned.filter { $0.topic == topic }
            let keys = s.committed.keys.filter { $0.topic == topic }
            for pin in pins {
                var entry: [UInt8] = []
                ConsumerOffsets.appendEntry(.unpin, pin.group, pin.topic, -1, -1, "", 0, to: &entry)
                try write(entry, &s)
                s.pinned.remove(pin)
            }
            for key in keys {
                // A commit of -1 reads back as "no committed offset".
                var entry: [UInt8] = []
                ConsumerOffsets.appendEntry(.commit, key.group, key.topic, key.partition, -1, "", 0, to: &entry)
                try write(entry, &s)
                s.committed[key] = nil
            }
        }
    }

    func sync() throws(LogStorageError) {
        try state.withLock { (s) throws(LogStorageError) in try FileIO.fsync(s.fd, path: path) }
    }

    private func write(_ entry: [UInt8], _ s: inout State) throws(LogStorageError) {
        let at = s.size
        do {
            try withBytes(entry) { (buf) throws(LogStorageError) in try FileIO.pwriteAll(s.fd, buf, at: at, path: path) }
            try FileIO.fsync(s.fd, path: path)
        } catch {
            try? FileIO.truncate(s.fd, to: at, path: path)
            throw error
        }
        s.size += entry.count
    }

    // MARK: - Entries

    private static func appendEntry(_ kind: Kind, _ group: String, _ topic: String, _ partition: Int, _ offset: Int64,
                                    _ metadata: String, _ timestamp: Int64, to out: inout [UInt8]) {
        var payload: [UInt8] = [version, kind.rawValue]
        appendString(group, to: &payload)
        appendString(topic, to: &payload)
        BigEndian.append(Int32(truncatingIfNeeded: partition), to: &payload)
        BigEndian.append(offset, to: &payload)
        appendString(metadata, to: &payload)
        BigEndian.append(timestamp, to: &payload)
        BigEndian.append(UInt32(payload.count), to: &out)
        BigEndian.append(CRC32C.checksum(payload), to: &out)
        out.append(contentsOf: payload)
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        let bytes = Array(string.utf8.prefix(Int(UInt16.max)))
        BigEndian.append(UInt16(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Applies one entry; false when it is malformed.
    private static func apply(_ payload: UnsafeRawBufferPointer, _ committed: inout [Key: Committed],
                              _ pinned: inout Set<GroupTopic>) -> Bool {
        var position = 0
        func string() -> String? {
            guard position + 2 <= payload.count else { return nil }
            let length = Int(BigEndian.read(UInt16.self, payload, at: position))
            position += 2
            guard position + length <= payload.count else { return nil }
            defer { position += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: payload[position..<(position + length)]), as: UTF8.self)
        }
        guard payload.count >= 2, payload[0] == version, let kind = Kind(rawValue: payload[1]) else { return false }
        position = 2
        guard let group = string(), let topic = string(), position + 12 <= payload.count else { return false }
        let partition = Int(BigEndian.read(Int32.self, payload, at: position))
        let offset = BigEndian.read(Int64.self, payload, at: position + 4)
        position += 12
        guard let metadata = string(), position + 8 == payload.count else { return false }
        let timestamp = BigEndian.read(Int64.self, payload, at: position)
        switch kind {
        case .commit:
            let key = Key(group: group, topic: topic, partition: partition)
            committed[key] = offset < 0 ? nil : Committed(offset: offset, metadata: metadata, timestampMillis: timestamp)
        case .pin: pinned.insert(GroupTopic(group: group, topic: topic))
        case .unpin: pinned.remove(GroupTopic(group: group, topic: topic))
        }
        return true
    }
}
