import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where "now" comes from: the system clock in production, a hand-moved clock in
/// tests, so retention, windows and timeouts are deterministic.
public protocol TimeSource: Sendable {
    /// Nanoseconds since the Unix epoch.
    func nowNanos() -> Int64
}

extension TimeSource {
    /// Milliseconds since the Unix epoch.
    public func nowMillis() -> Int64 { nowNanos() / 1_000_000 }
}

/// The real wall clock.
public struct SystemTimeSource: TimeSource {
    public init() {}
    public func nowNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// A clock that only moves when a test moves it.
public final class ManualTimeSource: TimeSource {
    private let now: Mutex<Int64>
    public init(nanos: Int64 = 1_700_000_000_000_000_000) { now = Mutex(nanos) }
    public func nowNanos() -> Int64 { now.withLock { $0 } }
    public func set(nanos: Int64) { now.withLock { $0 = nanos } }
    public func advance(nanos: Int64) { now.withLock { $0 += nanos } }
    public func advance(millis: Int64) { advance(nanos: millis * 1_000_000) }
}

/// Monotonic nanoseconds, for measuring durations.
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
