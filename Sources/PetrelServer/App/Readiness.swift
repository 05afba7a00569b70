import Synchronization

/// Whether start-up recovery has finished: `/ready` answers 200 only then.
public final class Readiness: Sendable {
    private let state = Mutex<(ready: Bool, reason: String)>((false, "starting"))

    public init() {}

    public var isReady: Bool { state.withLock { $0.ready } }
    public var reason: String { state.withLock { $0.reason } }

    public func markReady() { state.withLock { $0 = (true, "ready") } }
    public func update(reason: String) { state.withLock { if !$0.ready { $0.reason = reason } } }
}
