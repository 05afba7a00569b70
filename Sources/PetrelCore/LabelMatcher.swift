import Synchronization

/// A condition on one label, as in PromQL selectors: `=`, `!=`, `=~`, `!~`.
/// Regexes are fully anchored; a missing label matches as the empty string.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum MatchType: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    public let type: MatchType
    public let name: String
    public let value: String
    private let pattern: CompiledPattern?

    /// Throws `LabelMatcher.InvalidRegex` when a regex does not compile.
    public init(_ type: MatchType, _ name: String, _ value: String) throws {
        self.type = type
        self.name = name
        self.value = value
        switch type {
        case .equal, .notEqual: pattern = nil
        case .regexMatch, .regexNoMatch: pattern = try CompiledPattern(value)
        }
    }

    public struct InvalidRegex: Error, Sendable, CustomStringConvertible {
        public let pattern: String
        public let reason: String
        public var description: String { "error parsing regexp: \(reason): `\(pattern)`" }
    }

    /// Whether `value` (empty for a missing label) satisfies the matcher.
    public func matches(_ candidate: String) -> Bool {
        switch type {
        case .equal: return candidate == value
        case .notEqual: return candidate != value
        case .regexMatch: return pattern!.matches(candidate)
        case .regexNoMatch: return !pattern!.matches(candidate)
        }
    }

    /// Whether the matcher accepts a series that lacks the label.
    public var matchesEmpty: Bool { matches("") }

    /// For `=~` with a plain alternation of literals (`a|b|c`), the literals;
    /// lets an index look them up instead of scanning every value.
    public var setMatches: [String]? { type == .regexMatch ? pattern?.literals : nil }

    public var description: String {
        "\(name)\(type.rawValue)\"\(Labels.escape(value))\""
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.type == rhs.type && lhs.name == rhs.name && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        hasher.combine(name)
        hasher.combine(value)
    }
}

/// A fully anchored regex with fast paths for the shapes dashboards use most:
/// literals, alternations of literals, `.*`, `.+`, and `prefix.*`.
final class CompiledPattern: Sendable {
    enum Shape: Sendable {
        case any                 // .*
        case nonEmpty            // .+
        case literals(Set<String>)
        case prefix(String)      // literal followed by .*
        case regex
    }

    let shape: Shape
    let literals: [String]?
    private let regex: Mutex<Regex<AnyRegexOutput>?>

    init(_ source: String) throws {
        let compiled: Regex<AnyRegexOutput>
        do {
            compiled = try Regex("^(?:\(source))$")
        } catch {
            throw LabelMatcher.InvalidRegex(pattern: source, reason: "\(error)")
        }
        let specials = Set("\\^$.|?*+()[]{}")
        func isLiteral<S: StringProtocol>(_ s: S) -> Bool { !s.contains(where: { specials.contains($0) }) }
        if source == ".*" {
            shape = .any; literals = nil
        } else if source == ".+" {
            shape = .nonEmpty; literals = nil
        } else if source.hasSuffix(".*"), isLiteral(source.dropLast(2)) {
            shape = .prefix(String(source.dropLast(2))); literals = nil
        } else if !source.contains(where: { specials.contains($0) && $0 != "|" }) {
            let parts = source.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            shape = .literals(Set(parts)); literals = parts
        } else {
            shape = .regex; literals = nil
        }
        regex = Mutex(compiled)
    }

    func matches(_ s: String) -> Bool {
        switch shape {
        case .any: return true
        case .nonEmpty: return !s.isEmpty
        case .literals(let set): return set.contains(s)
        case .prefix(let p): return s.hasPrefix(p)
        case .regex:
            return regex.withLock { r in (try? r!.wholeMatch(in: s)) != nil }
        }
    }
}
