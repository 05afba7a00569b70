/// One value of one series at one instant: the unit of the metrics model.
public struct Sample: Hashable, Sendable {
    public var labels: Labels
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var value: Double

    public init(labels: Labels, timestamp: Int64, value: Double) {
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }
}

/// A series and its samples in a time range, timestamps ascending: what storage
/// returns to queries. Columns, not an array of pairs, so they can be scanned fast.
public struct SeriesData: Sendable, Equatable {
    public var labels: Labels
    public var timestamps: [Int64]
    public var values: [Double]

    public init(labels: Labels, timestamps: [Int64] = [], values: [Double] = []) {
        precondition(timestamps.count == values.count, "timestamps and values differ in length")
        self.labels = labels
        self.timestamps = timestamps
        self.values = values
    }

    public var count: Int { timestamps.count }

    public static func == (lhs: SeriesData, rhs: SeriesData) -> Bool {
        lhs.labels == rhs.labels && lhs.timestamps == rhs.timestamps
            && zip(lhs.values, rhs.values).allSatisfy { $0.bitPattern == $1.bitPattern || $0 == $1 }
            && lhs.values.count == rhs.values.count
    }
}

/// Special float values that Prometheus gives meaning to.
public enum StaleMarker {
    /// The NaN bit pattern Prometheus writes to mark a series as stale.
    public static let bitPattern: UInt64 = 0x7ff0_0000_0000_0002
    public static var value: Double { Double(bitPattern: bitPattern) }
    public static func isStale(_ v: Double) -> Bool { v.bitPattern == bitPattern }
}
