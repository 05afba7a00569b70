/// The unit of the timestamps in a line-protocol body, chosen by the writer
/// (`?precision=` on InfluxDB's write endpoints).
public enum Precision: Sendable, Hashable, CaseIterable {
    case nanoseconds, microseconds, milliseconds, seconds, minutes, hours

    /// Parses an InfluxDB 1.x `precision` parameter: `n`, `ns`, `u`, `us`, `ms`,
    /// `s`, `m`, `h`; the empty string means nanoseconds.
    ///
    /// InfluxDB 1.6 itself treats any unknown value (including `us`) as
    /// nanoseconds; this is stricter and returns nil for unknown values.
    public init?(v1: String) {
        switch v1 {
        case "", "n", "ns": self = .nanoseconds
        case "u", "us", "µ", "µs": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        case "m": self = .minutes
        case "h": self = .hours
        default: return nil
        }
    }

    /// Parses an InfluxDB 2.x `precision` parameter: `ns`, `us`, `ms`, `s`; the
    /// empty string means nanoseconds.
    public init?(v2: String) {
        switch v2 {
        case "", "ns": self = .nanoseconds
        case "us": self = .microseconds
        case "ms": self = .milliseconds
        case "s": self = .seconds
        default: return nil
        }
    }

    /// How many nanoseconds one unit is.
    public var nanosPerUnit: Int64 {
        switch self {
        case .nanoseconds: 1
        case .microseconds: 1_000
        case .milliseconds: 1_000_000
        case .seconds: 1_000_000_000
        case .minutes: 60_000_000_000
        case .hours: 3_600_000_000_000
        }
    }

    /// The earliest and latest timestamps InfluxDB can store, in nanoseconds. The
    /// two lowest and the highest int64 values are reserved as sentinels.
    public static let minNanos: Int64 = .min + 2
    public static let maxNanos: Int64 = .max - 1

    /// Scales a timestamp in this unit to nanoseconds; nil when the result does
    /// not fit in InfluxDB's time range.
    public func nanoseconds(_ value: Int64) -> Int64? {
        let (product, overflow) = value.multipliedReportingOverflow(by: nanosPerUnit)
        guard !overflow, product >= Precision.minNanos, product <= Precision.maxNanos else { return nil }
        return product
    }

    /// Rounds a nanosecond timestamp down to a whole number of units, as InfluxDB
    /// does with the server time it assigns to lines that carry no timestamp.
    public func truncate(_ nanos: Int64) -> Int64 {
        let unit = nanosPerUnit
        guard unit > 1 else { return nanos }
        let remainder = nanos % unit
        return remainder < 0 ? nanos - remainder - unit : nanos - remainder
    }
}
