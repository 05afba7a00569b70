import PetrelCore

/// What matcher resolution needs from an index, in the head or in a block.
protocol IndexReader {
    /// Every value of label `name`, sorted.
    func labelValues(_ name: String) -> [String]
    /// The ids of series with `name="value"`, sorted.
    func postings(_ name: String, _ value: String) -> [UInt64]
    /// The ids of every series, sorted.
    func allPostings() -> [UInt64]
}

extension IndexReader {
    /// The sorted ids of series that satisfy all `matchers` (Prometheus semantics:
    /// a missing label is the empty string). No matchers selects nothing.
    func postings(matching matchers: [LabelMatcher]) -> [UInt64] {
        guard !matchers.isEmpty else { return [] }
        var include: [[UInt64]] = []
        var exclude: [[UInt64]] = []
        for m in matchers {
            if m.matchesEmpty {
                // Series lacking the label match, so subtract the ones whose value fails.
                let failing = labelValues(m.name).filter { !m.matches($0) }
                if !failing.isEmpty { exclude.append(Postings.union(failing.map { postings(m.name, $0) })) }
            } else {
                include.append(postingsFor(m))
            }
        }
        var result = include.isEmpty ? allPostings() : Postings.intersect(include)
        for list in exclude where !result.isEmpty {
            result = Postings.subtract(result, list)
        }
        return result
    }

    /// Postings for a matcher that does not match the empty string.
    private func postingsFor(_ m: LabelMatcher) -> [UInt64] {
        switch m.type {
        case .equal:
            return postings(m.name, m.value)
        case .regexMatch:
            if let literals = m.setMatches {
                return Postings.union(literals.filter { !$0.isEmpty }.map { postings(m.name, $0) })
            }
            fallthrough
        default:
            return Postings.union(labelValues(m.name).filter { m.matches($0) }.map { postings(m.name, $0) })
        }
    }
}
