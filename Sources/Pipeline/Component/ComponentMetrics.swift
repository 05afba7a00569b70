import Metrics
import Synchronization

/// A component's counters: exported in `/metrics` labelled by component
/// (Vector's names: `petrel_component_received_events_total`, ...) and kept
/// as atomics for the pipeline API's live figures.
public final class ComponentMetrics: Sendable {
    public let id: String
    private let eventsInCount = Atomic<Int>(0)
    private let bytesInCount = Atomic<Int>(0)
    private let eventsOutCount = Atomic<Int>(0)
    private let bytesOutCount = Atomic<Int>(0)
    private let errorCount = Atomic<Int>(0)
    private let droppedCount = Atomic<Int>(0)
    private let lagCount = Atomic<Int>(0)
    private let lastErrorText = Mutex<String?>(nil)
    private let boundAddresses = Mutex<Set<ListenAddress>>([])

    private let eventsIn: Counter
    private let bytesIn: Counter
    private let eventsOut: Counter
    private let bytesOut: Counter
    private let errors: Counter
    private let dropped: Counter
    private let lagGauge: Gauge

    public init(id: String, kind: ComponentKind, type: String) {
        self.id = id
        let dims = [("component_id", id), ("component_kind", kind.rawValue), ("component_type", type)]
        eventsIn = Counter(label: "petrel_component_received_events_total", dimensions: dims)
        bytesIn = Counter(label: "petrel_component_received_bytes_total", dimensions: dims)
        eventsOut = Counter(label: "petrel_component_sent_events_total", dimensions: dims)
        bytesOut = Counter(label: "petrel_component_sent_bytes_total", dimensions: dims)
        errors = Counter(label: "petrel_component_errors_total", dimensions: dims)
        dropped = Counter(label: "petrel_component_discarded_events_total", dimensions: dims)
        lagGauge = Gauge(label: "petrel_component_consumer_lag_records", dimensions: dims)
    }

    /// A listening source reports its sockets once they are bound, and again
    /// when it closes them; readiness (`PipelineRuntime.waitUntilListening`)
    /// waits for the report rather than probing the port from outside, where
    /// another process on the same port would look the same.
    public func listening(on addresses: [ListenAddress]) {
        boundAddresses.withLock { $0.formUnion(addresses) }
    }

    public func stoppedListening(on addresses: [ListenAddress]) {
        boundAddresses.withLock { $0.subtract(addresses) }
    }

    public func isListening(on address: ListenAddress) -> Bool {
        boundAddresses.withLock { $0.contains(address) }
    }

    /// Events (and their bytes) the component took in: read from a socket,
    /// file or input topic.
    public func received(events: Int, bytes: Int) {
        eventsInCount.add(events, ordering: .relaxed)
        bytesInCount.add(bytes, ordering: .relaxed)
        eventsIn.increment(by: events)
        bytesIn.increment(by: bytes)
    }

    /// Events the component made durable downstream (its topic or store).
    public func sent(events: Int, bytes: Int) {
        eventsOutCount.add(events, ordering: .relaxed)
        bytesOutCount.add(bytes, ordering: .relaxed)
        eventsOut.increment(by: events)
        bytesOut.increment(by: bytes)
    }

    /// A failure: bad input, a refused write, a failed scrape. `message` is
    /// kept as the last error the API shows.
    public func error(_ message: String, count: Int = 1) {
        errorCount.add(count, ordering: .relaxed)
        errors.increment(by: count)
        lastErrorText.withLock { $0 = message }
    }

    /// Events deliberately not passed on (over a limit, unparsable), counted.
    public func discarded(_ count: Int) {
        droppedCount.add(count, ordering: .relaxed)
        dropped.increment(by: count)
    }

    /// Records in the component's input topics not yet consumed.
    public func setLag(_ records: Int) {
        lagCount.store(records, ordering: .relaxed)
        lagGauge.record(records)
    }

    /// The figures now, for the pipeline API.
    public var snapshot: Snapshot {
        Snapshot(eventsIn: eventsInCount.load(ordering: .relaxed), bytesIn: bytesInCount.load(ordering: .relaxed),
                 eventsOut: eventsOutCount.load(ordering: .relaxed), bytesOut: bytesOutCount.load(ordering: .relaxed),
                 errors: errorCount.load(ordering: .relaxed), dropped: droppedCount.load(ordering: .relaxed),
                 lag: lagCount.load(ordering: .relaxed), lastError: lastErrorText.withLock { $0 })
    }

    public struct Snapshot: Sendable, Equatable {
        public var eventsIn: Int
        public var bytesIn: Int
        public var eventsOut: Int
        public var bytesOut: Int
        public var errors: Int
        public var dropped: Int
        public var lag: Int
        public var lastError: String?
    }
}
