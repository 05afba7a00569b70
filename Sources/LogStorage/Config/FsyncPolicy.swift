/// When an append counts as durable, and so when it is acknowledged and
/// becomes visible to readers.
public enum FsyncPolicy: Sendable, Equatable {
    /// Every append waits for an fsync; appenders that arrive while one runs share the next.
    case always
    /// At most one fsync per window: appenders wait for the fsync that ends the
    /// current window and share it (group commit). A window starts at the
    /// previous fsync, so after a quiet spell an append is synced at once.
    case interval(milliseconds: Int)
    /// Appends return once written to the OS; a machine crash can lose recent records.
    case never

    public static let `default` = FsyncPolicy.interval(milliseconds: 100)
}
