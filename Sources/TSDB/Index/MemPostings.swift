import PetrelCore
import Synchronization

/// The head's inverted index: label name → value → sorted series refs, plus a
/// symbol table so each distinct label string is stored once in memory.
final class MemPostings: Sendable {
    private struct State {
        var index: [String: [String: [UInt64]]] = [:]
        var all: [UInt64] = []
        var symbols: Set<String> = []
    }

    private let state = Mutex(State())

    /// Interns the label strings and indexes `ref`. Refs must be added in
    /// increasing order so lists stay sorted by appending.
    func add(_ ref: UInt64, _ labels: Labels) -> Labels {
        state.withLock { s in
            var interned: [Label] = []
            interned.reserveCapacity(labels.count)
            for label in labels {
                let name = s.symbols.intern(label.name)
                let value = s.symbols.intern(label.value)
                interned.append(Label(name, value))
                s.index[name, default: [:]][value, default: []].append(ref)
            }
            s.all.append(ref)
            return Labels(sortedUnchecked: interned)
        }
    }

    /// Removes the given series (sorted refs) from the index; drops symbols no longer used.
    func remove(_ refs: [UInt64], labels: [Labels]) {
        guard !refs.isEmpty else { return }
        state.withLock { s in
            let sortedRefs = refs.sorted()
            s.all = Postings.subtract(s.all, sortedRefs)
            var touched: Set<Label> = []
            for l in labels { for label in l { touched.insert(label) } }
            for label in touched {
                guard var values = s.index[label.name], let list = values[label.value] else { continue }
                let rest = Postings.subtract(list, sortedRefs)
                values[label.value] = rest.isEmpty ? nil : rest
                s.index[label.name] = values.isEmpty ? nil : values
            }
            var used: Set<String> = []
            for (name, values) in s.index {
                used.insert(name)
                for value in values.keys { used.insert(value) }
            }
            s.symbols = used
        }
    }

    var symbolCount: Int { state.withLock { $0.symbols.count } }

    func labelNames() -> [String] { state.withLock { Array($0.index.keys) }.sorted() }
}

extension MemPostings: IndexReader {
    func labelValues(_ name: String) -> [String] {
        state.withLock { s in s.index[name].map { Array($0.keys) } ?? [] }.sorted()
    }

    func postings(_ name: String, _ value: String) -> [UInt64] {
        state.withLock { $0.index[name]?[value] ?? [] }
    }

    func allPostings() -> [UInt64] { state.withLock { $0.all } }
}

extension Set where Element == String {
    /// The stored copy of `s` (sharing its storage), inserting it if new.
    mutating func intern(_ s: String) -> String {
        if let existing = firstIndex(of: s) { return self[existing] }
        insert(s)
        return s
    }
}
