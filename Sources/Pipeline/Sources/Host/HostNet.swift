/// The `net` measurement from /proc/net/dev: per-interface counters with
/// Telegraf's names. Loopback is left out, as Telegraf does when no
/// interfaces are named.
enum NetCollector {
    static func points(netDev: String) -> [HostPoint] {
        var points: [HostPoint] = []
        for line in netDev.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon].trimmingWhitespace())
            let v = line[line.index(after: colon)...].split(separator: " ").compactMap { Int64($0) }
            guard v.count >= 12, name != "lo", !name.isEmpty else { continue }
            points.append(HostPoint("net", tags: [("interface", name)], fields: [
                ("bytes_sent", .int(v[8])), ("bytes_recv", .int(v[0])),
                ("packets_sent", .int(v[9])), ("packets_recv", .int(v[1])),
                ("err_in", .int(v[2])), ("err_out", .int(v[10])),
                ("drop_in", .int(v[3])), ("drop_out", .int(v[11])),
            ]))
        }
        return points
    }
}
