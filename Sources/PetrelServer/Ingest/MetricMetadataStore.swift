import Codecs
import Synchronization

/// The latest type, help and unit of each metric family, as remote-write
/// senders report them (Prometheus sends its targets' metadata about every
/// minute): what `/api/v1/metadata` answers. Held in memory only — senders
/// repeat it, so after a restart it is back within a minute — and bounded:
/// past `maxFamilies` new families are refused (counted), known ones still
/// update.
public final class MetricMetadataStore: Sendable {
    /// One family's metadata in `/api/v1/metadata`'s terms.
    public struct Entry: Sendable, Equatable {
        public var type: String
        public var help: String
        public var unit: String
    }

    public let maxFamilies: Int
    private let families = Mutex<[String: Entry]>([:])

    public init(maxFamilies: Int = 100_000) {
        self.maxFamilies = maxFamilies
    }

    /// Keeps `metadata` (a later entry for a family replaces the earlier);
    /// returns how many new families were refused because the store is full.
    @discardableResult
    public func record(_ metadata: [MetricMetadata]) -> Int {
        guard !metadata.isEmpty else { return 0 }
        return families.withLock { families in
            var refused = 0
            for item in metadata where !item.family.isEmpty {
                let entry = Entry(type: item.type.name, help: item.help, unit: item.unit)
                if families[item.family] == nil && families.count >= maxFamilies {
                    refused += 1
                } else {
                    families[item.family] = entry
                }
            }
            return refused
        }
    }

    /// The families by name; only `metric` when given; at most `limit`
    /// families when it is positive (Prometheus' `limit`).
    public func entries(metric: String? = nil, limit: Int? = nil) -> [(family: String, entry: Entry)] {
        let all = families.withLock { families -> [(family: String, entry: Entry)] in
            if let metric, !metric.isEmpty { return families[metric].map { [(metric, $0)] } ?? [] }
            return families.map { ($0.key, $0.value) }
        }
        let sorted = all.sorted { $0.family < $1.family }
        if let limit, limit > 0, sorted.count > limit { return Array(sorted.prefix(limit)) }
        return sorted
    }
}
