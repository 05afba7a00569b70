import PetrelCore

/// `type: random_walk`: `series` Gaussian random walks written as metrics
/// every `interval` — `random_walk,series=<i> value=<x>`, queryable as
/// `random_walk_value{series="<i>"}`. For demos and load tests.
public struct RandomWalkSourceConfig: SourceConfig {
    public static let type = "random_walk"

    public var series = 10
    public var interval = Duration.seconds(1)
    public var metric = "random_walk"
    public var start = 0.0
    public var stepStddev = 1.0
    public var tags: [(String, String)] = []
    public var seed: UInt64 = 1

    public init(_ section: inout ConfigSection) throws {
        if let n = try section.int("series") {
            guard n >= 1, n <= 1_000_000 else { throw section.error("series", "expected 1 to 1000000") }
            series = n
        }
        interval = try section.positiveDuration("interval", default: interval)
        if let name = try section.string("metric") {
            guard !name.isEmpty else { throw section.error("metric", "expected a measurement name") }
            metric = name
        }
        start = try section.double("start") ?? start
        if let s = try section.double("step_stddev") {
            guard s >= 0, s.isFinite else { throw section.error("step_stddev", "expected a number >= 0") }
            stepStddev = s
        }
        tags = (try section.stringMap("tags") ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        seed = try section.seed()
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        RandomWalkSource(config: self, timeSource: context.timeSource)
    }
}

struct RandomWalkSource: Source {
    let config: RandomWalkSourceConfig
    let timeSource: any TimeSource

    func run(_ output: SourceOutput) async throws {
        var walk = RandomWalk(metric: config.metric, series: config.series, start: config.start,
                              stepStddev: config.stepStddev, tags: config.tags, seed: config.seed)
        try await everyInterval(config.interval) {
            let now = timeSource.nowNanos()
            let batch = walk.step(timestampNanos: now)
            output.metrics.received(events: batch.lines, bytes: batch.bytes.count)
            try await output.sendMetrics(lineProtocol: batch.bytes, timestampMillis: now / 1_000_000,
                                         events: batch.lines)
        }
    }
}
