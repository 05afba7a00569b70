import Synchronization

/// Whether start-up has finished: `/ready` answers 200 only once every part
/// is ready — the TSDB has replayed the metrics topic and the pipeline's
/// initial graph is applied with its listening sources bound.
public final class Readiness: Sendable {
    /// What start-up waits for.
    public enum Part: String, Sendable, CaseIterable {
        case tsdb
        case pipeline
    }

    /// Parts not ready yet, with what each is doing.
    private let pending = Mutex<[Part: String]>(Dictionary(uniqueKeysWithValues: Part.allCases.map { ($0, "starting") }))

    public init() {}

    public var isReady: Bool { pending.withLock { $0.isEmpty } }
    public var reason: String {
        pending.withLock { pending in
            pending.isEmpty ? "ready" : pending.keys.sorted { $0.rawValue < $1.rawValue }
                .map { "\($0.rawValue): \(pending[$0]!)" }.joined(separator: "; ")
        }
    }

    public func markReady(_ part: Part = .tsdb) { pending.withLock { $0[part] = nil } }
    public func update(_ part: Part = .tsdb, reason: String) {
        pending.withLock { if $0[part] != nil { $0[part] = reason } }
    }
}
