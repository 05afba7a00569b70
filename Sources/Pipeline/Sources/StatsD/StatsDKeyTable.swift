#if canImport(Glibc)
import Glibc
#endif

/// A hash table from byte strings (a metric's type, name and tags as sent)
/// to series numbers: the aggregator's per-line lookup. Keys are hashed a
/// word at a time and compared with `memcmp` against one arena of key
/// bytes, so a lookup of a known series allocates nothing; only a new key
/// appends to the arena (and now and then grows the slot array).
struct StatsDKeyTable {
    /// Entry number + 1 per slot; 0 is empty. Open addressing, linear probing.
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var values: [Int] = []
    private var arena: [UInt8] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
    }

    var count: Int { values.count }

    /// The value stored for `key` (whose hash is `hash`), or nil.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot]) - 1
            if entry < 0 { return nil }
            if hashes[entry] == hash && lengths[entry] == key.count && equal(entry, key) { return values[entry] }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for a key that `find` did not find.
    mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, value: Int) {
        if (values.count + 1) * 2 > slots.count { grow() }
        let entry = values.count
        hashes.append(hash)
        starts.append(arena.count)
        lengths.append(key.count)
        values.append(value)
        arena.append(contentsOf: key)
        place(entry)
    }

    /// Forgets every key, keeping the memory for the next interval.
    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
        hashes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    private func equal(_ entry: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        guard let base = key.baseAddress else { return lengths[entry] == 0 }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + starts[entry], base, key.count) == 0 }
    }

    private mutating func place(_ entry: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for entry in values.indices { place(entry) }
    }

    /// A fast 64-bit hash of `bytes`, eight bytes per step (not for adversarial
    /// keys: collisions only cost a comparison, and a table is bounded by `max_series`).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(truncatingIfNeeded: bytes.count) &* multiplier
        guard let base = bytes.baseAddress else { return h }
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* multiplier
            h ^= h >> 29
            i += 8
        }
        if i < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* multiplier
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        return h ^ (h >> 32)
    }
}
