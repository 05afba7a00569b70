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

