import LogStorage
import PetrelCore
import Synchronization

/// The running graph with live figures: what `GET /api/v1/pipeline` shows.
public struct PipelineSnapshot: Sendable {
    /// The config file the graph came from (`(default)` for the built-in one).
    public var file: String
    /// When the graph was last applied (start or reload), Unix milliseconds.
    public var reloadedAtMillis: Int64
    public var components: [Component]
    public var topics: [TopicFigures]
    public var edges: [Edge]

    public struct Component: Sendable {
        public var status: ComponentStatus
        /// Events per second in and out over the last ≥ 1 s between snapshots.
        public var eventsInPerSec: Double
        public var eventsOutPerSec: Double
    }

    public struct TopicFigures: Sendable, Equatable {
        public var name: String
        public var partitions: Int
        /// Sum of the partitions' end offsets.
        public var endOffset: Int64
        public var sizeBytes: Int64
    }

    /// One producer → consumer link, through `topic`.
    public struct Edge: Sendable, Equatable {
        public var from: String
        public var to: String
        public var topic: String
    }
}

/// The counters of the previous snapshot, for rates.
final class RateBaseline: Sendable {
    struct Point {
        var millis: Int64
        var counters: [String: (eventsIn: Int, eventsOut: Int)]
        var rates: [String: (eventsIn: Double, eventsOut: Double)]
    }

    /// Snapshots closer together than this keep the previous rates.
    static let minimumIntervalMillis: Int64 = 1000
    private let point = Mutex<Point?>(nil)

    /// The rates of `counters` at `millis` against the kept baseline; moves the
    /// baseline when at least a second has passed.
    func rates(at millis: Int64, counters: [String: (eventsIn: Int, eventsOut: Int)])
        -> [String: (eventsIn: Double, eventsOut: Double)] {
        point.withLock { point in
            guard let previous = point else {
                point = Point(millis: millis, counters: counters, rates: [:])
                return [:]
            }
            let elapsed = millis - previous.millis
            guard elapsed >= Self.minimumIntervalMillis else { return previous.rates }
            var rates: [String: (eventsIn: Double, eventsOut: Double)] = [:]
            for (id, now) in counters {
                guard let before = previous.counters[id] else { continue }
                let seconds = Double(elapsed) / 1000
                // A restarted component starts its counters from zero: no negative rates.
                rates[id] = (Double(max(0, now.eventsIn - before.eventsIn)) / seconds,
                             Double(max(0, now.eventsOut - before.eventsOut)) / seconds)
            }
            point = Point(millis: millis, counters: counters, rates: rates)
            return rates
        }
    }
}

extension PipelineRuntime {
    /// The running graph, its topics and edges, with rates against the
    /// previous call that was at least a second earlier.
    public func snapshot() -> PipelineSnapshot {
        let statuses = self.statuses()
        let config = self.config
        let now = timeSource.nowMillis()
        var counters: [String: (eventsIn: Int, eventsOut: Int)] = [:]
        for status in statuses {
            if let m = status.metrics { counters[status.component.id] = (m.eventsIn, m.eventsOut) }
        }
        let rates = rateBaseline.rates(at: now, counters: counters)
        let components = statuses.map { status in
            PipelineSnapshot.Component(status: status, eventsInPerSec: rates[status.component.id]?.eventsIn ?? 0,
                                       eventsOutPerSec: rates[status.component.id]?.eventsOut ?? 0)
        }
        var topicNames: [String] = []
        var edges: [PipelineSnapshot.Edge] = []
        for component in config?.components ?? [] {
            if component.kind != .sink, !topicNames.contains(component.topic) { topicNames.append(component.topic) }
            if case .sink(let settings) = component.settings, let topicSink = settings as? TopicSinkConfig,
               !topicNames.contains(topicSink.topic) {
                topicNames.append(topicSink.topic)
            }
            for input in component.inputs {
                guard let producer = config?.component(input) else { continue }
                edges.append(PipelineSnapshot.Edge(from: input, to: component.id, topic: producer.topic))
            }
        }
        let topicFigures = topicNames.map { name -> PipelineSnapshot.TopicFigures in
            guard let topic = topics.topic(name) else {
                return PipelineSnapshot.TopicFigures(name: name, partitions: 0, endOffset: 0, sizeBytes: 0)
            }
            let partitions = topic.partitions
            return PipelineSnapshot.TopicFigures(
                name: name, partitions: partitions.count,
                endOffset: partitions.reduce(0) { $0 + $1.logEndOffset },
                sizeBytes: partitions.reduce(0) { $0 + $1.sizeBytes })
        }
        return PipelineSnapshot(file: config?.file ?? "", reloadedAtMillis: appliedAtMillis, components: components,
                                topics: topicFigures, edges: edges)
    }
}
