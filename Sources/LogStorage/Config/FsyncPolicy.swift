/// When an append counts as durable, and so when it is acknowledged and
/// becomes visible to readers.
public enum FsyncPolicy: Sendable, Equatable {
    /// Every append waits for an fsync; appenders that arrive while one runs share the next.
    case always
    /// Eager group commit: an append waits for the fsync that covers it, which
    /// starts at once when none is running; appends arriving during one fsync
    /// share the next. `milliseconds` bounds how long written data that nobody
    /// waits for stays unsynced (`TopicStore.run()`), never an acknowledgement.
    case interval(milliseconds: Int)
    /// Appends return once written to the OS; a machine crash can lose recent records.
    case never

    public static let `default` = FsyncPolicy.interval(milliseconds: 100)
}
