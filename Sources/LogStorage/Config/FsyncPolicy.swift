/// When an append counts as durable, and so when it is acknowledged and
/// becomes visible to readers.
public enum FsyncPolicy: Sendable, Equatable {
    /// Every append waits for an fsync; appenders that arrive while one runs share the next.
    case always
    /// Appenders of one window share one fsync issued when the window ends (group commit).
    case interval(milliseconds: Int)
    /// Appends return once written to the OS; a machine crash can lose recent records.
    case never

    public static let `default` = FsyncPolicy.interval(milliseconds: 100)
}
