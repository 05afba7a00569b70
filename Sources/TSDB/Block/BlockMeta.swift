import Foundation

/// `meta.json` of a block: what range it covers, where it came from, and the
/// replay offset that was current when it was persisted.
struct BlockMeta: Codable, Sendable, Equatable {
    struct Stats: Codable, Sendable, Equatable {
        var numSeries: Int
        var numSamples: Int
        var numChunks: Int
    }

    struct Compaction: Codable, Sendable, Equatable {
        /// 1 for a block cut from the head, parents' max + 1 after compaction.
        var level: Int
        /// Ids of the level-1 blocks whose data this block holds.
        var sources: [String]
    }

    var version = 1
    var id: String
    /// Covered range, half-open: [minTime, maxTime).
    var minTime: Int64
    var maxTime: Int64
    var stats: Stats
    var compaction: Compaction
    /// The source offset to resume feeding from, as of when this block was written.
    var replayOffset: Int64

    static let fileName = "meta.json"

    static func read(from directory: String) throws -> BlockMeta {
        let path = directory + "/" + fileName
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(BlockMeta.self, from: data)
        } catch {
            throw TSDBError(.corrupt, "cannot read block meta \(path)", cause: error)
        }
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array(try encoder.encode(self))
    }

    /// A new block id: creation time in ms (hex, sortable) and 64 random bits.
    /// When `after` (a well-formed id) is not older, the id continues from it
    /// instead, so ids keep sorting in creation order even within one
    /// millisecond or when the clock steps back: the order decides which block
    /// wins on equal timestamps.
    static func newID(nowMillis: Int64, after: String? = nil) -> String {
        var time = UInt64(max(0, nowMillis))
        var random = UInt64.random(in: 0...UInt64.max)
        if let after, after.utf8.count == 28,
           let lastTime = UInt64(after.prefix(12), radix: 16), let lastRandom = UInt64(after.suffix(16), radix: 16),
           lastTime >= time {
            time = lastTime
            let step = UInt64.random(in: 1...(1 << 32))
            if lastRandom > UInt64.max - step {
                time += 1
            } else {
                random = lastRandom + step
            }
        }
        let timeHex = String(time, radix: 16), randomHex = String(random, radix: 16)
        return String(repeating: "0", count: max(0, 12 - timeHex.count)) + timeHex
            + String(repeating: "0", count: 16 - randomHex.count) + randomHex
    }

    /// Whether `id` has the shape `newID` produces (28 hex digits).
    static func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == 28 && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
