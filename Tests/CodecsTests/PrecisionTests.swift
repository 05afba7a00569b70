import Codecs
import Testing

@Suite("Timestamp precision")
struct PrecisionTests {
    @Test("v1 and v2 precision names")
    func names() {
        #expect(Precision(v1: "n") == .nanoseconds)
        #expect(Precision(v1: "ns") == .nanoseconds)
        #expect(Precision(v1: "") == .nanoseconds)
        #expect(Precision(v1: "u") == .microseconds)
        #expect(Precision(v1: "us") == .microseconds)
        #expect(Precision(v1: "ms") == .milliseconds)
        #expect(Precision(v1: "s") == .seconds)
        #expect(Precision(v1: "m") == .minutes)
        #expect(Precision(v1: "h") == .hours)
        #expect(Precision(v1: "d") == nil)
        #expect(Precision(v2: "ns") == .nanoseconds)
        #expect(Precision(v2: "us") == .microseconds)
        #expect(Precision(v2: "ms") == .milliseconds)
        #expect(Precision(v2: "s") == .seconds)
        #expect(Precision(v2: "n") == nil)
        #expect(Precision(v2: "m") == nil)
    }

    @Test("timestamps are scaled to nanoseconds", arguments: [
        (Precision.nanoseconds, Int64(1)), (.microseconds, 1_000), (.milliseconds, 1_000_000),
        (.seconds, 1_000_000_000), (.minutes, 60_000_000_000), (.hours, 3_600_000_000_000),
    ])
    func scaling(precision: Precision, nanos: Int64) {
        let (points, summary) = parse("m f=1 3\nm f=1 -3", precision: precision)
        #expect(summary.rejected == 0)
        #expect(points.map(\.timestampNanos) == [3 * nanos, -3 * nanos])
    }

    @Test("scaling past InfluxDB's time range is an error")
    func overflow() {
        let (_, summary) = parse("m f=1 9223372037\nm f=1 9223372036", precision: .seconds)
        #expect(summary.rejected == 1)
        #expect(summary.firstError?.message == "time outside range -9223372036854775806 - 9223372036854775806")
        #expect(summary.firstError?.line == 1)
        let inRange = parse("m f=1 2562047", precision: .hours)
        let expected: Int64 = 2_562_047 * 3_600_000_000_000
        #expect(inRange.points.first?.timestampNanos == expected)
        #expect(parse("m f=1 2562048", precision: .hours).summary.rejected == 1)
        #expect(parse("m f=1 -2562048", precision: .hours).summary.rejected == 1)
    }

    @Test("the default timestamp is rounded down to the precision, as InfluxDB does")
    func defaultTimestampTruncated() {
        #expect(parse("m f=1", precision: .seconds, defaultTimestamp: 1_999_999_999).points.first?.timestampNanos
            == 1_000_000_000)
        #expect(parse("m f=1", precision: .seconds, defaultTimestamp: -1).points.first?.timestampNanos
            == -1_000_000_000)
        #expect(parse("m f=1", precision: .nanoseconds, defaultTimestamp: 7).points.first?.timestampNanos == 7)
    }
}
