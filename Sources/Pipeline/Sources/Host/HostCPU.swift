/// CPU times of one `cpu` line of /proc/stat, in clock ticks.
struct CPUTimes: Equatable, Sendable {
    var user = 0.0, nice = 0.0, system = 0.0, idle = 0.0, iowait = 0.0
    var irq = 0.0, softirq = 0.0, steal = 0.0, guest = 0.0, guestNice = 0.0

    /// All time spent: guest time is already counted in user and nice.
    var total: Double { user + nice + system + idle + iowait + irq + softirq + steal }

    /// `cpu0 1 2 3 ...` → ("cpu0", times); nil for other lines.
    static func parse(_ line: Substring) -> (String, CPUTimes)? {
        let parts = line.split(separator: " ")
        guard parts.count >= 5, parts[0].hasPrefix("cpu") else { return nil }
        let v = parts.dropFirst().map { Double($0) ?? 0 }
        func at(_ i: Int) -> Double { i < v.count ? v[i] : 0 }
        let name = parts[0] == "cpu" ? "cpu-total" : String(parts[0])
        return (name, CPUTimes(user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4), irq: at(5),
                               softirq: at(6), steal: at(7), guest: at(8), guestNice: at(9)))
    }
}

/// The `cpu` measurement: Telegraf's usage_* fields, each the percent of the
/// interval between two readings of /proc/stat. The first reading only
/// primes the state, as in Telegraf.
struct CPUCollector {
    private var last: [String: CPUTimes] = [:]

    /// Reads the cpu lines of `stat` and returns the usage since the previous call.
    mutating func points(stat: String) -> [HostPoint] {
        var points: [HostPoint] = []
        var now: [String: CPUTimes] = [:]
        for line in stat.split(separator: "\n") where line.hasPrefix("cpu") {
            guard let (name, times) = CPUTimes.parse(line) else { continue }
            now[name] = times
            guard let before = last[name] else { continue }
            let totalDelta = times.total - before.total
            guard totalDelta > 0 else { continue }
            func pct(_ delta: Double) -> HostPoint.Value { .float(min(100, max(0, 100 * delta / totalDelta))) }
            points.append(HostPoint("cpu", tags: [("cpu", name)], fields: [
                ("usage_user", pct(times.user - before.user - (times.guest - before.guest))),
                ("usage_system", pct(times.system - before.system)),
                ("usage_idle", pct(times.idle - before.idle)),
                ("usage_nice", pct(times.nice - before.nice - (times.guestNice - before.guestNice))),
                ("usage_iowait", pct(times.iowait - before.iowait)),
                ("usage_irq", pct(times.irq - before.irq)),
                ("usage_softirq", pct(times.softirq - before.softirq)),
                ("usage_steal", pct(times.steal - before.steal)),
                ("usage_guest", pct(times.guest - before.guest)),
                ("usage_guest_nice", pct(times.guestNice - before.guestNice)),
            ]))
        }
        last = now
        // cpu-total first, then cpu0, cpu1, ... as they appear.
        return points
    }
}

/// The `kernel` measurement from /proc/stat (boot time, context switches,
/// interrupts, forks) and the entropy pool.
enum KernelCollector {
    static func point(stat: String, entropy: String?) -> HostPoint? {
        var fields: [(String, HostPoint.Value)] = []
        for line in stat.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, let v = Int64(parts[1]) else { continue }
            switch parts[0] {
            case "btime": fields.append(("boot_time", .int(v)))
            case "ctxt": fields.append(("context_switches", .int(v)))
            case "intr": fields.append(("interrupts", .int(v)))
            case "processes": fields.append(("processes_forked", .int(v)))
            default: break
            }
        }
        if let entropy, let v = Int64(entropy.trimmingWhitespace()) { fields.append(("entropy_avail", .int(v))) }
        return fields.isEmpty ? nil : HostPoint("kernel", fields: fields)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let s = self[...]
        guard let first = s.firstIndex(where: { !$0.isWhitespace }),
              let last = s.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return Substring(s[first...last])
    }
}
