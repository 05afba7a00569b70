import Codecs

/// Parses `text` with a fresh parser into owned points and the summary.
func parse(_ text: String, options: LineProtocolOptions = .init(), precision: Precision = .nanoseconds,
           defaultTimestamp: Int64 = 42) -> (points: [LineProtocolPoint], summary: ParseSummary) {
    var parser = LineProtocolParser(options: options)
    return parser.parsePoints(Array(text.utf8), precision: precision, defaultTimestamp: defaultTimestamp)
}

/// The single point `text` parses to, or nil when it is rejected.
func point(_ text: String, options: LineProtocolOptions = .init()) -> LineProtocolPoint? {
    let (points, summary) = parse(text, options: options)
    return summary.rejected == 0 && points.count == 1 ? points[0] : nil
}

/// The message of the single error `text` gives, or nil when it is accepted.
func reason(_ text: String, options: LineProtocolOptions = .init()) -> String? {
    parse(text, options: options).summary.firstError?.message
}

/// A deterministic generator for fuzz loops (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
