import PetrelCore

/// One partition of one input topic of a sink.
public struct SinkInput: Sendable, Hashable, CustomStringConvertible {
    /// The component that writes the topic.
    public let component: String
    public let topic: String
    public let partition: Int

    public init(component: String, topic: String, partition: Int) {
        self.component = component
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)-\(partition)" }
}

/// A running sink: the runtime reads its input topics and hands it batches.
public protocol Sink: Sendable {
    /// Makes `records` (consecutive, in offset order, from `input`) durable in
    /// the sink's destination. The runtime commits their offsets only after
    /// this returns; a throw is counted and the same records come again after
    /// a back-off (at-least-once).
    func write(_ records: [Record], from input: SinkInput) async throws
    /// Flushes and releases resources; called once when the sink stops.
    func stop() async
}

extension Sink {
    public func stop() async {}
}

/// A sink's settings as read from petrel.yaml (see `SourceConfig`).
public protocol SinkConfig: Sendable {
    static var type: String { get }
    init(_ section: inout ConfigSection) throws
    func build(_ context: ComponentContext) throws -> any Sink
}
