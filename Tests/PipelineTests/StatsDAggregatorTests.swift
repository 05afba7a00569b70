import Testing
import Codecs
import PetrelCore
@testable import Pipeline

@Suite struct StatsDAggregatorTests {
    /// Feeds `packet` to an aggregator and returns the flushed lines (without timestamps), sorted.
    func aggregate(_ packets: [String], settings: StatsDSettings = StatsDSettings(),
                   into aggregator: inout StatsDAggregator) -> [String] {
        for packet in packets {
            let bytes = Array(packet.utf8)
            bytes.withUnsafeBytes { raw in
                StatsDDecoder.forEachLine(raw) { _, line in
                    if case .success(let m) = StatsDDecoder.decode(raw, line: line) { _ = aggregator.add(m, in: raw) }
                }
            }
        }
        let (lines, count) = aggregator.flush(timestampNanos: 1_000)
        let text = String(decoding: lines, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(text.count == count)
        return text.map { $0.hasSuffix(" 1000") ? String($0.dropLast(5)) : $0 }.sorted()
    }

    func aggregate(_ packets: [String], settings: StatsDSettings = StatsDSettings()) -> [String] {
        var aggregator = StatsDAggregator(settings: settings)
        return aggregate(packets, settings: settings, into: &aggregator)
    }

    @Test("counters add up and are scaled by their sample rate")
    func counters() {
        #expect(aggregate(["hits:1|c\nhits:2|c", "hits:1|c|@0.1"]) == ["hits,metric_type=counter value=13i"])
    }

    @Test("gauges keep the last level and apply signed changes")
    func gauges() {
        #expect(aggregate(["temp:10|g\ntemp:+5|g\ntemp:-3|g"]) == ["temp,metric_type=gauge value=12"])
    }

    @Test("sets count distinct members")
    func sets() {
        #expect(aggregate(["u:a|s\nu:b|s\nu:a|s"]) == ["u,metric_type=set value=2i"])
    }

    @Test("timings report Telegraf's summary fields and percentiles")
    func timings() {
        let packet = (1...100).map { "lat:\($0)|ms" }.joined(separator: "\n")
        let lines = aggregate([packet])
        #expect(lines == ["lat,metric_type=timing count=100i,lower=1,mean=50.5,median=50.5,stddev=28.86607004772212,"
                          + "sum=5050,upper=100,50_percentile=51,90_percentile=91,99_percentile=100"])
    }

    @Test("a timing's sample rate repeats the value in the count")
    func timingRate() {
        let lines = aggregate(["t:10|ms|@0.5"], settings: StatsDSettings(percentiles: []))
        #expect(lines == ["t,metric_type=timing count=2i,lower=10,mean=10,median=10,stddev=0,sum=20,upper=10"])
    }

    @Test("tags in any order, from the name or DogStatsD, make one series; dots become the separator")
    func tags() {
        var settings = StatsDSettings()
        settings.tags = ["dc": "x"]
        let lines = aggregate(["api.req:1|c|#b:2,a:1\napi.req:1|c|#a:1,b:2\napi.req,a=1,b=2:1|c"], settings: settings)
        #expect(lines == ["api_req,a=1,b=2,dc=x,metric_type=counter value=3i"])
    }

    @Test("new series beyond max_series are refused, known ones still count")
    func maxSeries() {
        var settings = StatsDSettings()
        settings.maxSeries = 2
        var aggregator = StatsDAggregator(settings: settings)
        var refused = 0
        let bytes = Array("a:1|c\nb:1|c\nc:1|c\na:1|c".utf8)
        bytes.withUnsafeBytes { raw in
            StatsDDecoder.forEachLine(raw) { _, line in
                if case .success(let m) = StatsDDecoder.decode(raw, line: line), !aggregator.add(m, in: raw) { refused += 1 }
            }
        }
        #expect(refused == 1)
        #expect(aggregator.seriesCount == 2)
    }

    @Test("deleted kinds start empty after a flush; kept counters accumulate and are sent every flush")
    func deletion() {
        var settings = StatsDSettings()
        settings.deleteCounters = false
        var aggregator = StatsDAggregator(settings: settings)
        #expect(aggregate(["c:2|c\ng:1|g"], settings: settings, into: &aggregator)
                == ["c,metric_type=counter value=2i", "g,metric_type=gauge value=1"])
        #expect(aggregate([], settings: settings, into: &aggregator) == ["c,metric_type=counter value=2i"])
        #expect(aggregate(["c:3|c"], settings: settings, into: &aggregator) == ["c,metric_type=counter value=5i"])
    }

    @Test("names and tags with spaces or commas are escaped for line protocol")
    func escaping() {
        #expect(aggregate(["my metric:1|c|#k:a b,x:y=z"])
                == [#"my\ metric,k=a\ b,metric_type=counter,x=y\=z value=1i"#])
    }

    @Test("percentile field names follow Telegraf")
    func percentileNames() {
        #expect(StatsDSeries.percentileName(90) == "90_percentile")
        #expect(StatsDSeries.percentileName(99.9) == "99.9_percentile")
    }
}

@Suite struct StatsDSourceConfigTests {
    func config(_ map: [String: Any]) throws -> StatsDSourceConfig {
        var section = ConfigSection(file: "petrel.yaml", path: "sources.s", map: map)
        let config = try StatsDSourceConfig(&section)
        try section.finish()
        return config
    }

    @Test("defaults listen on UDP 127.0.0.1:8125 and flush every 10s")
    func defaults() throws {
        let c = try config([:])
        #expect(c.listens == [ListenAddress(.udp, host: "127.0.0.1", port: 8125)])
        #expect(c.flushIntervalMillis == 10_000)
        #expect(c.settings.percentiles == [50, 90, 99])
    }

    @Test("protocol both listens on UDP and TCP on the same port")
    func both() throws {
        let c = try config(["address": "127.0.0.1:9125", "protocol": "both", "flush_interval": "1s",
                            "percentiles": [50, 99.9], "delete_gauges": false, "max_series": 10])
        #expect(c.listens == [ListenAddress(.udp, host: "127.0.0.1", port: 9125),
                              ListenAddress(.tcp, host: "127.0.0.1", port: 9125)])
        #expect(c.flushIntervalMillis == 1000)
        #expect(c.settings.percentiles == [50, 99.9])
        #expect(!c.settings.deleteGauges)
        #expect(c.settings.maxSeries == 10)
    }

    @Test("bad values name their key")
    func badValues() {
        for (key, value) in [("address", "nowhere"), ("protocol", "sctp"), ("percentiles", "x"), ("max_series", "0")]
            as [(String, Any)] {
            #expect(throws: ConfigError.self) { try config([key: key == "max_series" ? 0 : value]) }
        }
    }
}
