import PetrelCore

/// The engine's view of a time-series store: the seam the server implements over the
/// TSDB and tests implement in memory.
public protocol PromQLStorage: Sendable {
    /// Series matching all matchers with their samples in [mint, maxt] (ms, inclusive),
    /// sorted by labels. Samples may include stale markers (`StaleMarker`).
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesData]
}

/// Limits and defaults of query evaluation.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for the latest sample, in ms (Prometheus' 5m).
    public var lookbackDelta: Int64
    /// The most samples a query may hold in memory at once.
    public var maxSamples: Int
    /// The longest a query may run.
    public var timeout: Duration

    public init(lookbackDelta: Int64 = 300_000, maxSamples: Int = 50_000_000, timeout: Duration = .seconds(120)) {
        self.lookbackDelta = lookbackDelta
        self.maxSamples = maxSamples
        self.timeout = timeout
    }
}
