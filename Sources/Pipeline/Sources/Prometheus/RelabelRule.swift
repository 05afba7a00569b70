import Codecs
import PetrelCore

/// One entry of `metric_relabel_configs`, as Prometheus reads it: the values
/// of `source_labels` joined by `separator` are matched against `regex`
/// (fully anchored) and the `action` decides what happens to the series.
public struct RelabelRule: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case replace, keep, drop, labeldrop, labelkeep
    }

    public var action: Action = .replace
    public var sourceLabels: [String] = []
    public var separator = ";"
    public var regex = "(.*)"
    public var targetLabel = ""
    public var replacement = "$1"

    public init(action: Action = .replace, sourceLabels: [String] = [], separator: String = ";", regex: String = "(.*)",
                targetLabel: String = "", replacement: String = "$1") {
        self.action = action
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.regex = regex
        self.targetLabel = targetLabel
        self.replacement = replacement
    }

    /// Reads one rule, checking the regex compiles and `replace` has a target.
    public init(_ section: inout ConfigSection) throws(ConfigError) {
        if let text = try section.string("action") {
            guard let action = Action(rawValue: text) else {
                throw section.error("action", "unknown action \"\(text)\" (known: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.action = action
        }
        sourceLabels = try section.strings("source_labels") ?? []
        separator = try section.string("separator") ?? ";"
        regex = try section.string("regex") ?? "(.*)"
        targetLabel = try section.string("target_label") ?? ""
        replacement = try section.string("replacement") ?? "$1"
        do {
            _ = try Regex("^(?:\(regex))$")
        } catch {
            throw section.error("regex", "invalid regular expression \"\(regex)\": \(error)")
        }
        if action == .replace && targetLabel.isEmpty {
            throw section.error("target_label", "the replace action needs a target_label")
        }
        if (action == .keep || action == .drop) && sourceLabels.isEmpty {
            throw section.error("source_labels", "the \(action.rawValue) action needs source_labels")
        }
    }
}

/// Applies a list of relabel rules to label sets. Holds the compiled
/// regexes, so it lives inside one task (Swift's `Regex` is not `Sendable`).
struct Relabeler {
    private let rules: [(RelabelRule, Regex<AnyRegexOutput>)]

    init(_ rules: [RelabelRule]) {
        // The rules were checked when the config was read.
        self.rules = rules.map { ($0, try! Regex("^(?:\($0.regex))$")) }
    }

    var isEmpty: Bool { rules.isEmpty }

    /// The relabelled set, or nil when a rule drops the series (or its name goes).
    func apply(_ labels: Labels) -> Labels? {
        var pairs = labels.pairs
        for (rule, regex) in rules {
            switch rule.action {
            case .keep, .drop:
                let value = Self.joined(pairs, rule)
                let matched = (try? regex.wholeMatch(in: value)) != nil
                if matched != (rule.action == .keep) { return nil }
            case .replace:
                let value = Self.joined(pairs, rule)
                guard let match = try? regex.wholeMatch(in: value) else { continue }
                let target = Self.expand(rule.targetLabel, match)
                guard PrometheusTextWriter.isLabelName(target) else { continue }
                let result = Self.expand(rule.replacement, match)
                pairs.removeAll { $0.name == target }
                if !result.isEmpty { pairs.append(Label(target, result)) }
            case .labeldrop:
                pairs.removeAll { (try? regex.wholeMatch(in: $0.name)) != nil && $0.name != Labels.metricName }
            case .labelkeep:
                pairs.removeAll { (try? regex.wholeMatch(in: $0.name)) == nil && $0.name != Labels.metricName }
            }
        }
        let result = Labels(pairs)
        guard let name = result.name, !name.isEmpty else { return nil }
        return result
    }

    static func joined(_ pairs: [Label], _ rule: RelabelRule) -> String {
        rule.sourceLabels.map { name in pairs.first { $0.name == name }?.value ?? "" }.joined(separator: rule.separator)
    }

    /// `template` with `$1`, `${1}` and `${name}` replaced by the match's groups
    /// (an unknown group is empty, `$$` is a `$`).
    static func expand(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
        guard template.contains("$") else { return template }
        var out = ""
        let chars = Array(template)
        var i = 0
        func group(_ reference: String) -> String {
            if let n = Int(reference) {
                guard n < match.output.count, let sub = match.output[n].substring else { return "" }
                return String(sub)
            }
            guard let sub = match.output[reference]?.substring else { return "" }
            return String(sub)
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "$", i + 1 < chars.count else { out.append(c); i += 1; continue }
            if chars[i + 1] == "$" { out.append("$"); i += 2; continue }
            if chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                out += group(String(chars[(i + 2)..<close]))
                i = close + 1
                continue
            }
            var j = i + 1
            while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
            if j == i + 1 { out.append(c); i += 1; continue }
            out += group(String(chars[(i + 1)..<j]))
            i = j
        }
        return out
    }
}
