/// What one call to a parser did with a body: how many lines it kept, how many
/// it rejected, and why (the first few in full).
public struct ParseSummary: Sendable {
    /// Lines handed to the caller.
    public var accepted: Int = 0
    /// Lines rejected; blank and comment lines are neither accepted nor rejected.
    public var rejected: Int = 0
    /// The first `maxReportedErrors` errors, in body order.
    public var errors: [CodecError] = []

    public init() {}

    public var firstError: CodecError? { errors.first }

    mutating func record(_ error: CodecError, limit: Int) {
        rejected += 1
        if errors.count < limit { errors.append(error) }
    }

    /// The errors joined the way InfluxDB 1.x reports a partly bad body.
    public var influxErrorMessage: String? {
        errors.isEmpty ? nil : errors.map(\.influxDescription).joined(separator: "\n")
    }
}
