import PetrelCore

/// The engine's view of a time-series store: the seam the server implements over the
/// TSDB and tests implement in memory.
public protocol PromQLStorage: Sendable {
    /// Series matching all matchers with their samples in [mint, maxt] (ms, inclusive),
    /// sorted by labels. Samples may include stale markers (`StaleMarker`).
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesData]

    /// The same selection, refused with `PromQLSampleLimitExceeded` as soon as it holds more
    /// than `sampleLimit` samples. A store that can count while it reads implements this so
    /// an oversized query stops before its samples are all in memory; the default selects
    /// everything and then counts.
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64, sampleLimit: Int) throws -> [SeriesData]
}

extension PromQLStorage {
    public func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64, sampleLimit: Int) throws -> [SeriesData] {
        let result = try select(matchers, mint: mint, maxt: maxt)
        var total = 0
        for series in result {
            total += series.count
            if total > sampleLimit { throw PromQLSampleLimitExceeded() }
        }
        return result
    }
}

/// Thrown by a `PromQLStorage` selection that would hold more samples than allowed; the
/// engine reports it as Prometheus' "too many samples" error.
public struct PromQLSampleLimitExceeded: Error, Sendable {
    public init() {}
}

/// Limits and defaults of query evaluation.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for the latest sample, in ms (Prometheus' 5m).
    public var lookbackDelta: Int64
    /// The most samples a query may hold in memory at once.
    public var maxSamples: Int
    /// The longest a query may run.
    public var timeout: Duration
    /// The step of a subquery written without one (`x[1h:]`), in ms: Prometheus uses its
    /// global evaluation interval, 1m by default.
    public var defaultSubqueryStep: Int64

    public init(lookbackDelta: Int64 = 300_000, maxSamples: Int = 50_000_000, timeout: Duration = .seconds(120),
                defaultSubqueryStep: Int64 = 60_000) {
        self.lookbackDelta = lookbackDelta
        self.maxSamples = maxSamples
        self.timeout = timeout
        self.defaultSubqueryStep = defaultSubqueryStep
    }
}

/// How many samples a query touched, as Prometheus reports them with `stats=all`:
/// `totalQueryableSamples` and `peakSamples`.
public struct QueryStats: Sendable, Equatable {
    /// Samples read by selectors over all steps (each step's window counted again).
    public var totalSamples: Int = 0
    /// The most samples held in memory at one time.
    public var peakSamples: Int = 0

    public init(totalSamples: Int = 0, peakSamples: Int = 0) {
        self.totalSamples = totalSamples
        self.peakSamples = peakSamples
    }
}
