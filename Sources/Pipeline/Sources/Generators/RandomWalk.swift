import Foundation
import PetrelCore

/// The state of the `random_walk` generator: `series` independent Gaussian
/// random walks, reproducible from the seed. Kept apart from the timer so a
/// test can step it.
struct RandomWalk: Sendable {
    let metric: String
    let tags: [(String, String)]
    let stepStddev: Double
    private(set) var values: [Double]
    private var random: SplitMix64

    init(metric: String, series: Int, start: Double, stepStddev: Double, tags: [(String, String)], seed: UInt64) {
        self.metric = metric
        self.tags = tags
        self.stepStddev = stepStddev
        values = Array(repeating: start, count: series)
        random = SplitMix64(seed: seed)
    }

    /// Moves every series one step and returns the batch of lines
    /// `<metric>,series=<i>,<tags> value=<x> <ts>`.
    mutating func step(timestampNanos: Int64) -> MetricLineWriter {
        var out = MetricLineWriter(capacity: values.count * (metric.utf8.count + 48))
        for i in values.indices {
            values[i] += stepStddev * random.nextGaussian()
            out.line(metric, tags: [("series", String(i))] + tags, fields: [("value", values[i])],
                     timestampNanos: timestampNanos)
        }
        return out
    }
}

extension SplitMix64 {
    /// A uniform value in (0, 1].
    mutating func nextUnit() -> Double {
        Double((next() >> 11) + 1) / Double(1 << 53)
    }

    /// A standard normal value (Box–Muller).
    mutating func nextGaussian() -> Double {
        let u = nextUnit()
        let v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
