#if canImport(Glibc)
import Glibc
#endif
import Codecs
import TSDB

/// TSDB series references by line-protocol series key, so a known series costs
/// one hash lookup and one `memcmp`, with no label allocation. Keys live in one
/// byte arena: a lookup touches no reference-counted storage.
final class SeriesRefCache {
    private struct Entry {
        var ref: SeriesRef
        var start: Int
        var count: Int
    }

    private var slots: [UInt64: Int] = [:]
    private var entries: [Entry] = []
    private var arena: [UInt8] = []

    var count: Int { entries.count }

    /// The cached reference for `key`, or nil (also when another key shares its hash).
    @inline(__always)
    func ref(for key: SampleKey) -> SeriesRef? {
        guard let index = slots[key.hash] else { return nil }
        let entry = entries[index]
        return matches(entry, key) ? entry.ref : nil
    }

    /// Remembers `ref` for `key`; a different key with the same hash takes the slot over.
    func store(_ ref: SeriesRef, for key: SampleKey) {
        if let index = slots[key.hash], matches(entries[index], key) {
            entries[index].ref = ref
            return
        }
        slots[key.hash] = entries.count
        entries.append(Entry(ref: ref, start: arena.count, count: key.bytes.count))
        arena.append(contentsOf: key.bytes)
    }

    @inline(__always)
    private func matches(_ entry: Entry, _ key: SampleKey) -> Bool {
        guard entry.count == key.bytes.count else { return false }
        if entry.count == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + entry.start, key.bytes.baseAddress!, entry.count) == 0 }
    }
}
