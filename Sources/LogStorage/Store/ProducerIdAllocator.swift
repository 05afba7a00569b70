import PetrelCore
import Synchronization

/// Hands out idempotent-producer ids (InitProducerId) from a durable counter
/// in `<store>/producer-ids`: the next free id as 8 big-endian bytes, rewritten
/// atomically and fsynced before an id is returned, so no id is used twice,
/// even across a crash.
final class ProducerIdAllocator: Sendable {
    private let path: String
    private let directory: String
    private let next: Mutex<Int64>

    /// Loads the counter; `atLeast` lifts it past ids already in the log (a lost or older file).
    init(directory: String, atLeast floor: Int64) throws(LogStorageError) {
        self.directory = directory
        path = "\(directory)/producer-ids"
        var stored: Int64 = 0
        if let bytes = try FileIO.readFile(path) {
            guard bytes.count == 8 else {
                throw LogStorageError(.invalidConfig, "\(path): expected 8 bytes, found \(bytes.count)")
            }
            stored = bytes.withUnsafeBytes { BigEndian.read(Int64.self, $0, at: 0) }
        }
        next = Mutex(max(stored, floor, 0))
    }

    func allocate() throws(LogStorageError) -> Int64 {
        try next.withLock { (next) throws(LogStorageError) -> Int64 in
            let id = next
            var bytes: [UInt8] = []
            BigEndian.append(id + 1, to: &bytes)
            try FileIO.writeAtomically(bytes, to: path, directory: directory)
            next = id + 1
            return id
        }
    }
}
