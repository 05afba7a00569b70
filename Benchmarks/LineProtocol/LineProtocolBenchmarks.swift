import Benchmark
import Codecs

/// A body of Telegraf-style `cpu` lines: three tags, ten float fields, a
/// nanosecond timestamp, like one ingest request from a fleet of hosts.
func cpuBody(lines: Int) -> [UInt8] {
    var text = ""
    text.reserveCapacity(lines * 260)
    var seed: UInt64 = 42
    func next() -> UInt64 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return seed >> 33
    }
    func percent() -> String { "\(next() % 100).\(next() % 1000)" }
    let regions = ["us-west-2", "us-east-1", "eu-central-1", "ap-south-1"]
    for i in 0..<lines {
        text += "cpu,cpu=cpu\(i % 16),host=server-\(i / 16 % 500),region=\(regions[i % regions.count]) "
        text += "usage_user=\(percent()),usage_system=\(percent()),usage_idle=\(percent()),usage_nice=0,"
        text += "usage_iowait=\(percent()),usage_irq=0,usage_softirq=\(percent()),usage_steal=0,"
        text += "usage_guest=0,usage_guest_nice=0 \(1_700_000_000_000_000_000 + Int64(i) * 10_000_000_000)\n"
    }
    return Array(text.utf8)
}

let linesPerBody = 5_000

let benchmarks: @Sendable () -> Void = {
    let body = cpuBody(lines: linesPerBody)
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .instructions]

    // One iteration parses the whole 5,000-line body: lines/s = throughput x 5,000.
    Benchmark("LineProtocol.parse 5000 cpu lines", configuration: .init(metrics: metrics, maxDuration: .seconds(5))) { benchmark in
        var parser = LineProtocolParser()
        var fieldsSeen = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let summary = parser.parse(body, defaultTimestamp: 0) { line in fieldsSeen &+= line.fieldCount }
            precondition(summary.accepted == linesPerBody)
        }
        benchmark.stopMeasurement()
        blackHole(fieldsSeen)
    }

    // The ingest path: parse and map every field to a sample key, time and value.
    Benchmark("LineProtocol.parse+map 5000 cpu lines", configuration: .init(metrics: metrics, maxDuration: .seconds(5))) { benchmark in
        var parser = LineProtocolParser()
        var mapper = InfluxSampleMapper(extraLabels: [.init("db", "telegraf")])
        var hashes: UInt64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = parser.parse(body, defaultTimestamp: 0) { line in
                mapper.forEachSample(of: line) { key, _, value in hashes &+= key.hash &+ UInt64(value) }
            }
        }
        benchmark.stopMeasurement()
        blackHole(hashes)
    }
}
