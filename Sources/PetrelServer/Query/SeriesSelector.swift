import PetrelCore
import PromQL

/// A `match[]` argument of the series and label APIs: one instant-vector selector.
enum SeriesSelector {
    /// The selector's matchers (with `__name__` when it names a metric).
    static func parse(_ text: String) throws -> [LabelMatcher] {
        let expr = try Parser.parse(text)
        guard case .vectorSelector(let selector) = expr else {
            throw PromQLError(.badData, "\(text): parse error: expected a series selector such as up{job=\"x\"}")
        }
        return selector.matchers
    }
}
