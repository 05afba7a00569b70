import PetrelCore

/// A running source: collects events and appends them to its output topic.
public protocol Source: Sendable {
    /// Runs until the task is cancelled. A throw is logged and counted, and
    /// the runtime starts the source again after a back-off.
    func run(_ output: SourceOutput) async throws
}

/// A source's settings as read from petrel.yaml: decoded and checked before
/// anything starts, built into a `Source` when the pipeline starts.
public protocol SourceConfig: Sendable {
    /// The `type:` value that selects this source.
    static var type: String { get }
    /// Reads the source's keys from `section`, removing each; keys left over
    /// are reported as unknown. Errors name the key (`section.error(key, ...)`).
    init(_ section: inout ConfigSection) throws
    /// Sockets the source will listen on, checked for clashes before start.
    var listens: [ListenAddress] { get }
    /// Makes the running source; may open files or sockets, may throw.
    func build(_ context: ComponentContext) throws -> any Source
}

extension SourceConfig {
    public var listens: [ListenAddress] { [] }
}
