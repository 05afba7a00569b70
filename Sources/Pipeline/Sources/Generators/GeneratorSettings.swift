import PetrelCore

/// Options every generator source shares, read the same way.
extension ConfigSection {
    /// `seed:` (default 1): the same seed gives the same stream.
    mutating func seed() throws -> UInt64 {
        guard let value = try int("seed") else { return 1 }
        return UInt64(bitPattern: Int64(value))
    }

    /// A positive duration option such as `interval:`.
    mutating func positiveDuration(_ key: String, default fallback: Duration) throws -> Duration {
        guard let millis = try duration(key) else { return fallback }
        guard millis > 0 else { throw error(key, "expected a duration above 0, such as 1s") }
        return .milliseconds(millis)
    }
}

/// Runs `tick` every `interval` against a fixed schedule (no drift), until
/// the task is cancelled.
func everyInterval(_ interval: Duration, _ tick: () async throws -> Void) async throws {
    let clock = ContinuousClock()
    var deadline = clock.now
    while !Task.isCancelled {
        try await tick()
        deadline += interval
        if deadline < clock.now { deadline = clock.now }  // fell behind: skip, do not burst
        try await Task.sleep(until: deadline, clock: clock)
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var wholeMillis: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
