#if canImport(Glibc)
import Glibc
#endif

/// The `system` measurement: load averages, CPU count, logged-in users and
/// uptime, named as Telegraf names them.
enum SystemCollector {
    static func point(loadavg: String, uptime: String, cpus: Int, users: Int?) -> HostPoint? {
        let load = loadavg.split(separator: " ").prefix(3).compactMap { Double($0) }
        guard load.count == 3 else { return nil }
        var fields: [(String, HostPoint.Value)] = [
            ("load1", .float(load[0])), ("load5", .float(load[1])), ("load15", .float(load[2])),
            ("n_cpus", .int(Int64(cpus))),
        ]
        if let users { fields.append(("n_users", .int(Int64(users)))) }
        if let up = uptime.split(separator: " ").first.flatMap({ Double($0) }) {
            fields.append(("uptime", .int(Int64(up))))
        }
        return HostPoint("system", fields: fields)
    }

    /// The number of `cpuN` lines in /proc/stat (the logical CPUs).
    static func cpuCount(stat: String) -> Int {
        stat.split(separator: "\n").filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }.count
    }

    /// User sessions in a utmp file: glibc's 384-byte records whose `ut_type`
    /// (the first 16 bits) is USER_PROCESS (7).
    static func userCount(utmp: [UInt8]) -> Int {
        let recordSize = 384
        var count = 0
        var offset = 0
        while offset + recordSize <= utmp.count {
            let type = Int16(utmp[offset]) | Int16(utmp[offset + 1]) << 8
            if type == 7 { count += 1 }
            offset += recordSize
        }
        return count
    }
}

/// The `processes` measurement: processes by state from /proc/<pid>/stat
/// (Telegraf's Linux field names) and the total thread count.
enum ProcessesCollector {
    /// Counts `stats`, the text of each process's /proc/<pid>/stat.
    static func point(stats: [String]) -> HostPoint {
        var counts: [String: Int64] = [:]
        var threads: Int64 = 0
        for stat in stats {
            guard let close = stat.lastIndex(of: ")") else { continue }
            let rest = stat[stat.index(after: close)...].split(separator: " ")
            guard let state = rest.first?.first else { continue }
            let field: String
            switch state {
            case "R": field = "running"
            case "S": field = "sleeping"
            case "D": field = "blocked"
            case "Z": field = "zombies"
            case "X": field = "dead"
            case "T", "t": field = "stopped"
            case "W": field = "paging"
            case "I": field = "idle"
            case "P": field = "parked"
            default: field = "unknown"
            }
            counts[field, default: 0] += 1
            if rest.count > 17, let n = Int64(rest[17]) { threads += n }
        }
        var fields: [(String, HostPoint.Value)] = ["blocked", "zombies", "stopped", "running", "sleeping", "dead",
                                                   "paging", "idle", "parked", "unknown"].map { ($0, .int(counts[$0] ?? 0)) }
        fields.append(("total", .int(Int64(stats.count))))
        fields.append(("total_threads", .int(threads)))
        return HostPoint("processes", fields: fields)
    }

    /// Reads /proc/<pid>/stat of every process under `root`.
    static func readStats(root: String) -> [String] {
        guard let dir = opendir(root) else { return [] }
        defer { closedir(dir) }
        var stats: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let first = name.utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { continue }
            if let text = ProcText.read("\(root)/\(name)/stat") { stats.append(text) }
        }
        return stats
    }
}
