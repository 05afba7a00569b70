/// Limits and compatibility switches for `LineProtocolParser`.
///
/// The defaults accept what InfluxDB 1.x accepts, plus `\r\n` line endings and
/// unsigned integers (InfluxDB 2.x); the size limits are Petrel's own (InfluxDB
/// has none besides the 65,535-byte series key) and keep one bad line from
/// costing more than a bounded amount of work.
public struct LineProtocolOptions: Sendable, Hashable {
    /// Longest line accepted, in bytes; longer lines are rejected ("line too long").
    public var maxLineLength: Int
    /// Most tags one line may carry; more is an error, found without reading the rest.
    public var maxTags: Int
    /// Most fields one line may carry.
    public var maxFields: Int
    /// Accept `12u` unsigned integers. InfluxDB 2.x does; InfluxDB 1.x release
    /// builds reject them as "invalid number" (set false to match those exactly).
    public var allowUnsigned: Bool
    /// Drop one `\r` before a line's end. InfluxDB 1.x does not, and rejects such
    /// lines ("invalid number", "bad timestamp"); set false to match it exactly.
    public var stripCarriageReturn: Bool
    /// How many errors a `ParseSummary` keeps in full (all are counted).
    public var maxReportedErrors: Int

    public init(maxLineLength: Int = 1 << 20, maxTags: Int = 256, maxFields: Int = 1024,
                allowUnsigned: Bool = true, stripCarriageReturn: Bool = true, maxReportedErrors: Int = 16) {
        self.maxLineLength = max(1, maxLineLength)
        self.maxTags = max(0, maxTags)
        self.maxFields = max(1, maxFields)
        self.allowUnsigned = allowUnsigned
        self.stripCarriageReturn = stripCarriageReturn
        self.maxReportedErrors = max(0, maxReportedErrors)
    }

    /// The largest key InfluxDB stores: measurement, tags, separator and field key.
    public static let maxKeyLength = 65_535
}
