/// The kinds of StatsD metric, by the type code after the `|`.
public enum StatsDType: UInt8, Sendable, CaseIterable {
    /// `c`: a count to add up over the flush interval.
    case counter
    /// `g`: a level; `+n` / `-n` change the current value.
    case gauge
    /// `ms`: a duration; summarised into mean, percentiles, ...
    case timing
    /// `h`: a histogram value, summarised like a timing.
    case histogram
    /// `d`: a DogStatsD distribution, summarised like a timing.
    case distribution
    /// `s`: a member of a set; the distinct members are counted.
    case set

    /// The `metric_type` tag value Telegraf gives this kind.
    public var tagValue: String {
        switch self {
        case .counter: "counter"
        case .gauge: "gauge"
        case .timing: "timing"
        case .histogram: "histogram"
        case .distribution: "distribution"
        case .set: "set"
        }
    }
}

/// One metric decoded from a StatsD line. The name, tags and set member are
/// byte ranges into the line the decoder was given, so decoding allocates
/// nothing; the caller reads them while it still holds the line.
public struct StatsDMetric: Sendable, Equatable {
    public var type: StatsDType
    /// The name before the value, Influx-style `,tag=value` pairs excluded.
    public var name: Range<Int>
    /// Influx-style tags written into the name (`name,a=b,c=d:1|c`): `a=b,c=d`.
    public var nameTags: Range<Int>?
    /// DogStatsD tags (`|#a:b,c`): `a:b,c`.
    public var tags: Range<Int>?
    /// The number; 0 for sets.
    public var value: Double
    /// The raw value text: the member of a set.
    public var valueText: Range<Int>
    /// Whether a gauge value was written with a sign (`+3`, `-3`): a change, not a level.
    public var isDelta: Bool
    /// `@rate`, in (0, 1]; 1 when absent.
    public var sampleRate: Double

    public init(type: StatsDType, name: Range<Int>, nameTags: Range<Int>? = nil, tags: Range<Int>? = nil,
                value: Double, valueText: Range<Int>, isDelta: Bool = false, sampleRate: Double = 1) {
        self.type = type
        self.name = name
        self.nameTags = nameTags
        self.tags = tags
        self.value = value
        self.valueText = valueText
        self.isDelta = isDelta
        self.sampleRate = sampleRate
    }
}

/// Why a StatsD line was rejected; static text so rejecting allocates nothing.
public enum StatsDFailure: String, Sendable, Error {
    case missingColon = "no ':' between name and value"
    case emptyName = "empty metric name"
    case missingType = "no '|type' after the value"
    case unknownType = "unknown metric type (expected c, g, ms, h, d or s)"
    case badValue = "value is not a number"
    case badSampleRate = "sample rate is not a number in (0, 1]"
    case badSection = "unknown '|' section (expected @rate, #tags, c:container or T timestamp)"
    case badTag = "bad name tag (expected name,key=value)"
    case badEvent = "bad DogStatsD event (expected _e{title length,text length}:title|text[|k:v...])"
    case badServiceCheck = "bad DogStatsD service check (expected _sc|name|status 0-3[|k:v...])"
    case notAMetric = "a DogStatsD event or service check, not a metric"
}

/// What one good StatsD line held.
public enum StatsDLineKind: Sendable, Equatable {
    /// This many metrics (more than one for Telegraf's `name:1|c:2|g`).
    case metrics(Int)
    /// A DogStatsD event (`_e{...}`).
    case event
    /// A DogStatsD service check (`_sc|...`).
    case serviceCheck
}
