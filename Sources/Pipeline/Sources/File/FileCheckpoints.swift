import Foundation

/// Where a file was read up to: everything before `offset` is in the topic.
/// A file is recognised again by its fingerprint (a checksum of its first
/// bytes) or, while it is shorter than that, by device and inode.
struct FileCheckpoint: Codable, Equatable, Sendable {
    /// Hex of the checksum of the first `fingerprint_bytes`, nil for a shorter file.
    var fingerprint: String?
    var path: String
    var device: UInt64
    var inode: UInt64
    var offset: Int64
}

/// `<stateDirectory>/checkpoints.json`: `{"version":1,"files":[…]}`, replaced
/// atomically (temporary file, fsync, rename, fsync of the directory) so a
/// crash at any point leaves the previous or the new list.
struct FileCheckpointStore: Sendable {
    let path: String

    init(directory: String) { path = directory + "/checkpoints.json" }

    private struct Document: Codable {
        var version: Int
        var files: [FileCheckpoint]
    }

    /// The saved list; empty when there is none. An unreadable file is an error.
    func load() throws -> [FileCheckpoint] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do {
            return try JSONDecoder().decode(Document.self, from: data).files
        } catch {
            throw PipelineError(.startFailed, "checkpoint file \(path) cannot be read; move it away to start over",
                                cause: error)
        }
    }

    func save(_ files: [FileCheckpoint]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Document(version: 1, files: files))
        if let failure = FileSystem.writeAtomically(Array(data), to: path) {
            throw PipelineError(.writeFailed, failure)
        }
    }

    static func fingerprintText(_ value: UInt64?) -> String? {
        value.map { String($0, radix: 16) }
    }
}
