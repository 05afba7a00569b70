import PetrelCore

/// Parses the Prometheus text exposition format (what `/metrics` endpoints
/// serve and `/api/v1/import/prometheus` receives) into samples:
/// `name{label="value",...} value [timestamp_ms]`.
///
/// `# HELP`, `# TYPE` and other comments are skipped (a `# TYPE` with an unknown
/// type is an error, as in Prometheus), an OpenMetrics `# EOF` ends the input.
/// Bad lines are reported and skipped; good lines around them are kept.
/// With `openMetrics` set (a scrape answered `application/openmetrics-text`),
/// timestamps are read as seconds, exemplars are ignored and the `_created`
/// samples of counters, histograms and summaries are skipped. `StaleNaN` as a
/// value is Prometheus' stale marker (written by `PrometheusTextWriter`).
/// Not supported: quoted UTF-8 metric names (`{"my.metric"}`), reported as errors.
public struct PrometheusTextParser: Sendable {
    /// Most errors a summary keeps in full (all are counted).
    public var maxReportedErrors: Int
    /// Most labels one sample may carry, the metric name included.
    public var maxLabels: Int
    /// Read the input as OpenMetrics text rather than text format 0.0.4.
    public var openMetrics: Bool

    public init(maxReportedErrors: Int = 16, maxLabels: Int = 256, openMetrics: Bool = false) {
        self.maxReportedErrors = maxReportedErrors
        self.maxLabels = maxLabels
        self.openMetrics = openMetrics
    }

    /// Families whose `_created` series OpenMetrics adds and Prometheus does not store.
    static let typesWithCreated: Set<String> = ["counter", "histogram", "summary", "gaugehistogram"]

    /// Parses `input` with default limits; see `parse(_:defaultTimestamp:_:)`.
    public static func parse(
        _ input: [UInt8], defaultTimestamp: Int64, _ body: (Labels, Int64, Double) throws -> Void
    ) rethrows -> ParseSummary {
        try PrometheusTextParser().parse(input, defaultTimestamp: defaultTimestamp, body)
    }

    /// Calls `body` with the labels (metric name as `__name__`), timestamp in
    /// milliseconds (`defaultTimestamp` when the line has none) and value of every
    /// valid sample line, in order. If `body` throws, parsing stops and rethrows.
    public func parse(
        _ input: [UInt8], defaultTimestamp: Int64, _ body: (Labels, Int64, Double) throws -> Void
    ) rethrows -> ParseSummary {
        try input.withUnsafeBytes { try parse($0, defaultTimestamp: defaultTimestamp, body) }
    }

    public func parse(
        _ input: UnsafeRawBufferPointer, defaultTimestamp: Int64, _ body: (Labels, Int64, Double) throws -> Void
    ) rethrows -> ParseSummary {
        var summary = ParseSummary()
        var position = 0
        var lineNumber = 0
        // The family of the last `# TYPE` line whose type has `_created` samples.
        var createdFamily: String?
        while position < input.count {
            lineNumber += 1
            let lineStart = position
            var end = input[position...].firstIndex(of: UInt8(ascii: "\n")) ?? input.count
            position = end + 1
            if end > lineStart && input[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            var start = lineStart
            while start < end && PrometheusLine.isBlank(input[start]) { start += 1 }
            if start == end { continue }
            let line = UnsafeRawBufferPointer(rebasing: input[start..<end])
            var reader = PrometheusLine(bytes: line, maxLabels: maxLabels, openMetrics: openMetrics)
            switch reader.read() {
            case .success(.comment):
                continue
            case .success(.metricType(let name, let type)):
                createdFamily = Self.typesWithCreated.contains(type) ? name : nil
                continue
            case .success(.endOfInput):
                return summary
            case .success(.sample(let labels, let timestamp, let value)):
                if openMetrics, let family = createdFamily, let name = labels.name,
                   name.hasSuffix("_created"), name.dropLast(8) == family {
                    continue
                }
                summary.accepted += 1
                try body(labels, timestamp ?? defaultTimestamp, value)
            case .failure(let failure):
                summary.record(
                    CodecError(code: .prometheusText, message: failure.message, line: lineNumber,
                               byteOffset: lineStart, text: CodecError.excerpt(line)),
                    limit: maxReportedErrors)
            }
        }
        return summary
    }
}
