#if canImport(Glibc)
import Glibc
#endif
import PetrelCore

/// The running `host` source: reads every interval, at the interval's
/// boundary, and sends what it read as one line protocol batch stamped with
/// that boundary.
struct HostSource: Source {
    let config: HostSourceConfig
    let timeSource: any TimeSource
    let metrics: ComponentMetrics

    func run(_ output: SourceOutput) async throws {
        var reader = HostReader(config: config)
        let common = Self.commonTags(config.tags)
        let interval = config.intervalMillis
        // The first reading primes the CPU deltas; it is sent for the other measurements.
        var stamp = timeSource.nowMillis()
        while true {
            let points = reader.collect()
            var writer = MetricLineWriter(capacity: 8192)
            for point in points { point.write(into: &writer, common: common, timestampNanos: stamp * 1_000_000) }
            metrics.received(events: writer.lines, bytes: writer.bytes.count)
            try await output.sendMetrics(lineProtocol: writer.bytes, timestampMillis: stamp, events: writer.lines)
            for failure in reader.takeFailures() { metrics.error("host: \(failure)") }
            let now = timeSource.nowMillis()
            stamp = (now / interval + 1) * interval
            try await Task.sleep(for: .milliseconds(stamp - now))
        }
    }

    /// `host` = this machine's name, as Telegraf tags every point, plus the configured tags.
    static func commonTags(_ extra: [String: String]) -> [(String, String)] {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        var tags = extra
        if tags["host"] == nil { tags["host"] = host }
        return tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Reads the chosen collectors' files; keeps the CPU times between readings.
struct HostReader {
    let config: HostSourceConfig
    private var cpu = CPUCollector()
    private var failures: [String] = []

    init(config: HostSourceConfig) { self.config = config }

    /// Files that could not be read since the last call, for the error counter.
    mutating func takeFailures() -> [String] {
        defer { failures.removeAll() }
        return failures
    }

    private mutating func read(_ name: String) -> String? {
        let path = "\(config.procRoot)/\(name)"
        guard let text = ProcText.read(path) else {
            failures.append("cannot read \(path)")
            return nil
        }
        return text
    }

    mutating func collect() -> [HostPoint] {
        let want = config.collectors
        var points: [HostPoint] = []
        let needsStat = want.contains(.cpu) || want.contains(.kernel) || want.contains(.system)
        let stat = needsStat ? read("stat") : nil
        if want.contains(.cpu), let stat { points += cpu.points(stat: stat) }
        if want.contains(.mem) || want.contains(.swap), let meminfo = read("meminfo") {
            if want.contains(.mem), let p = MemoryCollector.mem(meminfo: meminfo) { points.append(p) }
            if want.contains(.swap), let p = MemoryCollector.swap(meminfo: meminfo, vmstat: read("vmstat"),
                                                                 pageSize: Int64(sysconf(Int32(_SC_PAGESIZE)))) {
                points.append(p)
            }
        }
        if want.contains(.disk), let mounts = read("mounts") {
            points += DiskCollector.points(mounts: mounts, filesystems: read("filesystems"),
                                           ignored: config.ignoredFileSystems)
        }
        if want.contains(.diskio), let text = read("diskstats") { points += DiskIOCollector.points(diskstats: text) }
        if want.contains(.net), let text = read("net/dev") { points += NetCollector.points(netDev: text) }
        if want.contains(.system), let stat, let loadavg = read("loadavg"), let uptime = read("uptime") {
            let utmp = ProcText.readBytes("/var/run/utmp").map(SystemCollector.userCount)
            if let p = SystemCollector.point(loadavg: loadavg, uptime: uptime,
                                             cpus: SystemCollector.cpuCount(stat: stat), users: utmp ?? 0) {
                points.append(p)
            }
        }
        if want.contains(.processes) {
            points.append(ProcessesCollector.point(stats: ProcessesCollector.readStats(root: config.procRoot)))
        }
        if want.contains(.kernel), let stat,
           let p = KernelCollector.point(stat: stat, entropy: ProcText.read("\(config.procRoot)/sys/kernel/random/entropy_avail")) {
            points.append(p)
        }
        return points
    }
}
