/// One label pair of a series: `name="value"`.
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }
}

/// The identity of a series: its labels sorted by name, names unique, the metric
/// name held as the `__name__` label (the Prometheus model).
public struct Labels: Hashable, Sendable, RandomAccessCollection, Comparable, CustomStringConvertible {
    public static let metricName = "__name__"

    /// Sorted by name; names are unique; no empty values (an empty value means "no label").
    public private(set) var pairs: [Label]

    public init() { pairs = [] }

    /// Builds a label set from pairs in any order: empty values are dropped and,
    /// for repeated names, the last pair wins.
    public init(_ labels: [Label]) {
        var sorted = labels.filter { !$0.value.isEmpty }
        sorted.sort { $0.name < $1.name }
        var unique: [Label] = []
        unique.reserveCapacity(sorted.count)
        for label in sorted {
            if let last = unique.last, last.name == label.name {
                unique[unique.count - 1] = label
            } else {
                unique.append(label)
            }
        }
        pairs = unique
    }

    public init(_ dictionary: [String: String]) {
        self.init(dictionary.map { Label($0.key, $0.value) })
    }

    /// Wraps pairs the caller guarantees are sorted by name, unique and non-empty.
    public init(sortedUnchecked pairs: [Label]) {
        self.pairs = pairs
    }

    public var startIndex: Int { pairs.startIndex }
    public var endIndex: Int { pairs.endIndex }
    public subscript(position: Int) -> Label { pairs[position] }

    /// The value of the label `name`, or nil when the series has no such label.
    public subscript(name: String) -> String? {
        var low = 0, high = pairs.count
        while low < high {
            let mid = (low + high) / 2
            if pairs[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return low < pairs.count && pairs[low].name == name ? pairs[low].value : nil
    }

    public var name: String? { self[Labels.metricName] }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, to value: String) -> Labels {
        var copy = pairs.filter { $0.name != name }
        if !value.isEmpty {
            let index = copy.firstIndex { $0.name > name } ?? copy.endIndex
            copy.insert(Label(name, value), at: index)
        }
        return Labels(sortedUnchecked: copy)
    }

    public func removing(_ names: Set<String>) -> Labels {
        Labels(sortedUnchecked: pairs.filter { !names.contains($0.name) })
    }

    public func keeping(_ names: Set<String>) -> Labels {
        Labels(sortedUnchecked: pairs.filter { names.contains($0.name) })
    }

    public var withoutName: Labels { removing([Labels.metricName]) }

    /// A stable 64-bit hash (FNV-1a over the pairs with separators), the same in
    /// every process: usable on disk and across restarts, unlike `hashValue`.
    public var stableHash: UInt64 {
        var hash = FNV1a()
        for label in pairs {
            hash.add(label.name)
            hash.add(byte: 0xFF)
            hash.add(label.value)
            hash.add(byte: 0xFF)
        }
        return hash.value
    }

    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        let count = Swift.min(lhs.pairs.count, rhs.pairs.count)
        for i in 0..<count {
            let l = lhs.pairs[i], r = rhs.pairs[i]
            if l.name != r.name { return l.name < r.name }
            if l.value != r.value { return l.value < r.value }
        }
        return lhs.pairs.count < rhs.pairs.count
    }

    /// Prometheus notation: `name{a="b", c="d"}`.
    public var description: String {
        var out = name ?? ""
        let rest = pairs.filter { $0.name != Labels.metricName }
        if rest.isEmpty && !out.isEmpty { return out }
        out += "{"
        out += rest.map { "\($0.name)=\"\(Labels.escape($0.value))\"" }.joined(separator: ", ")
        out += "}"
        return out
    }

    /// Escapes a label value as the Prometheus text format and PromQL strings do.
    public static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// 64-bit FNV-1a: a small, stable, allocation-free hash for keys and fingerprints.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    public mutating func add(_ string: String) {
        var s = string
        s.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    public mutating func add(bytes: UnsafeRawBufferPointer) {
        for byte in bytes { add(byte: byte) }
    }
}
