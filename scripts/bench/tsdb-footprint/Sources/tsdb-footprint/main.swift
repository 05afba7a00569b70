// Footprint benchmark for the TSDB.
//
//   tsdb-footprint disk [series] [hours]   bytes on disk per sample after cut + compaction
//   tsdb-footprint memory <series>         head RSS per series (VmRSS before/after)
//
// The disk data imitates node_exporter scraped every 15 s (timestamps exactly on
// the interval, as Prometheus' timestamp alignment produces): counters with
// irregular increments, wandering gauges, and constant series.
import Foundation
import Logging
import PetrelCore
import TSDB

let logger = Logger(label: "tsdb-footprint", factory: { _ in SwiftLogNoOpLogHandler() })
let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "disk"

/// Resident set size of this process in bytes (VmRSS from /proc/self/status).
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}

extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// The shapes of node_exporter series.
enum Kind: CaseIterable {
    case bytesCounter      // node_network_receive_bytes_total: bursts of KB..MB
    case cpuSecondsCounter // node_cpu_seconds_total: 0.01 s resolution
    case eventCounter      // node_intr_total, packets: small integer steps, often 0
    case memoryGauge       // node_memory_*_bytes: multiples of 4 KiB, wandering
    case loadGauge         // node_load1: two decimals
    case temperatureGauge  // node_hwmon_temp_celsius: one decimal, slow
    case constant          // node_uname_info, node_filesystem_size_bytes
}

/// Mix per 100 series: 15 byte counters, 20 cpu counters, 15 event counters,
/// 15 memory gauges, 5 load gauges, 5 temperature gauges, 25 constants.
/// FOOTPRINT_NO_CONSTANTS=1 replaces the constant quarter with the other kinds,
/// to show how much the result depends on the mix.
let noConstants = ProcessInfo.processInfo.environment["FOOTPRINT_NO_CONSTANTS"] == "1"

func kind(of index: Int) -> Kind {
    if noConstants && index % 100 >= 75 { return kind(of: index % 75) }
    switch index % 100 {
    case 0..<15: return .bytesCounter
    case 15..<35: return .cpuSecondsCounter
    case 35..<50: return .eventCounter
    case 50..<65: return .memoryGauge
    case 65..<70: return .loadGauge
    case 70..<75: return .temperatureGauge
    default: return .constant
    }
}

func runDisk(seriesCount: Int, hours: Int) throws {
    let dir = NSTemporaryDirectory() + "tsdb-footprint-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let clock = ManualTimeSource(nanos: 0)
    let db = try TSDB(directory: dir, options: TSDBOptions(), timeSource: clock, logger: logger)
    var rng = SplitMix64(seed: 42)
    let labels: [Labels] = (0..<seriesCount).map { i in
        Labels(["__name__": "node_metric_\(i % 100)", "instance": "host-\(i / 100):9100", "job": "node"])
    }
    var values: [Double] = (0..<seriesCount).map { i in
        switch kind(of: i) {
        case .bytesCounter: return Double(rng.next() % 1_000_000_000)
        case .cpuSecondsCounter: return Double(rng.next() % 10_000_000) / 100
        case .eventCounter: return Double(rng.next() % 100_000)
        case .memoryGauge: return Double(rng.next() % 4_000_000) * 4096
        case .loadGauge: return Double(rng.next() % 400) / 100
        case .temperatureGauge: return Double(300 + rng.next() % 400) / 10
        case .constant: return i % 2 == 0 ? 1 : Double(rng.next() % 1_000_000) * 4096
        }
    }
    let steps = hours * 3600 / 15
    var refs: [SeriesRef] = []
    let began = monotonicNanos()
    var appender = db.appender()
    for step in 0..<steps {
        let t = Int64(step) * 15_000
        for i in 0..<seriesCount {
            var v = values[i]
            switch kind(of: i) {
            case .bytesCounter:
                // Mostly quiet, sometimes bursts: log-uniform 0 B .. 10 MB per 15 s.
                v += rng.unit() < 0.1 ? 0 : (pow(10, rng.unit() * 7)).rounded()
            case .cpuSecondsCounter:
                v = ((v + rng.unit() * 15 * (i % 3 == 0 ? 0.9 : 0.1)) * 100).rounded() / 100
            case .eventCounter:
                v += Double(rng.next() % 50)
            case .memoryGauge:
                v = max(0, v + (Double(Int(rng.next() % 2001)) - 1000) * 4096)
            case .loadGauge:
                v = max(0, ((v + (rng.unit() - 0.5) * 0.2) * 100).rounded() / 100)
            case .temperatureGauge:
                if rng.unit() < 0.3 { v = ((v + (rng.unit() - 0.5)) * 10).rounded() / 10 }
            case .constant:
                break
            }
            values[i] = v
            if step == 0 {
                refs.append(try appender.append(labels[i], t, v))
            } else {
                try appender.append(ref: refs[i], t, v)
            }
        }
        appender.commit(sourceOffset: Int64(step))
        if step % 240 == 239 { try db.maintain() }
    }
    let ingestSeconds = Double(monotonicNanos() - began) / 1e9
    try db.flush(before: Int64(steps) * 15_000)
    try db.maintain()
    let stats = db.stats
    let samples = Int64(steps) * Int64(seriesCount)
    print("series: \(seriesCount), hours: \(hours), samples: \(samples)")
    print(String(format: "ingest: %.1f s (%.0f samples/s)", ingestSeconds, Double(samples) / ingestSeconds))
    print("blocks after compaction: \(stats.blocks), head samples left: \(stats.headSamples)")
    print("bytes on disk: \(stats.bytesOnDisk)")
    print(String(format: "bytes per sample: %.3f", Double(stats.bytesOnDisk) / Double(samples)))
    let q = db.querier(mint: 0, maxt: Int64(steps) * 15_000)
    let all = try q.select([try LabelMatcher(.equal, "job", "node")])
    let read = all.reduce(0) { $0 + $1.count }
    print("read back: \(all.count) series, \(read) samples")
}

func runMemory(seriesCount: Int) throws {
    let dir = NSTemporaryDirectory() + "tsdb-footprint-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // The samples sit at 1 s, 16 s and 31 s: a clock just after them keeps them within retention.
    let clock = ManualTimeSource(nanos: 60_000_000_000)
    let db = try TSDB(directory: dir, options: TSDBOptions(), timeSource: clock, logger: logger)
    let before = residentBytes()
    var appender = db.appender()
    let batch = 10_000
    for start in stride(from: 0, to: seriesCount, by: batch) {
        for i in start..<min(start + batch, seriesCount) {
            let labels = Labels(["__name__": "node_metric_\(i % 200)", "instance": "host-\(i / 200):9100",
                                 "job": "node", "device": "dev\(i % 7)"])
            let ref = try appender.append(labels, 1_000, Double(i))
            try appender.append(ref: ref, 16_000, Double(i) + 1.5)
            try appender.append(ref: ref, 31_000, Double(i) + 3)
        }
        appender.commit(sourceOffset: Int64(start))
    }
    let after = residentBytes()
    let stats = db.stats
    print("series: \(stats.headSeries), head samples: \(stats.headSamples)")
    print("VmRSS before: \(before / 1024) KiB, after: \(after / 1024) KiB")
    print(String(format: "head bytes per series: %.0f", Double(after - before) / Double(seriesCount)))
}

switch mode {
case "disk":
    let series = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000
    let hours = arguments.dropFirst(2).first.flatMap { Int($0) } ?? 24
    try runDisk(seriesCount: series, hours: hours)
case "memory":
    try runMemory(seriesCount: arguments.dropFirst().first.flatMap { Int($0) } ?? 100_000)
default:
    print("usage: tsdb-footprint disk [series] [hours] | memory <series>")
}
