import PetrelCore

/// `type: host`: the machine's own metrics (CPU, memory, swap, disks, disk
/// I/O, network, load, processes, kernel counters) read from /proc every
/// `interval`, with Telegraf's measurement, tag and field names.
public struct HostSourceConfig: SourceConfig {
    public static let type = "host"

    /// What can be collected; `collectors:` picks some (default all).
    public enum Collector: String, Sendable, CaseIterable {
        case cpu, mem, swap, disk, diskio, net, system, processes, kernel
    }

    public var intervalMillis: Int64 = 10_000
    public var collectors: Set<Collector> = Set(Collector.allCases)
    /// Tags added to every point (besides `host`).
    public var tags: [String: String] = [:]
    /// File system types the `disk` collector skips (Telegraf's `ignore_fs`).
    public var ignoredFileSystems: Set<String> = DiskCollector.defaultIgnored
    /// Where procfs is mounted (Telegraf's HOST_PROC), for containers that mount the host's elsewhere.
    public var procRoot = "/proc"

    public init(_ section: inout ConfigSection) throws {
        if let ms = try section.duration("interval") {
            guard ms >= 100 else { throw section.error("interval", "must be at least 100ms") }
            intervalMillis = ms
        }
        if let names = try section.strings("collectors") {
            var chosen: Set<Collector> = []
            for name in names {
                guard let c = Collector(rawValue: name) else {
                    let known = Collector.allCases.map(\.rawValue).joined(separator: ", ")
                    throw section.error("collectors", "unknown collector \"\(name)\" (known: \(known))")
                }
                chosen.insert(c)
            }
            collectors = chosen
        }
        if let v = try section.stringMap("tags") { tags = v }
        if let v = try section.strings("ignore_fs") { ignoredFileSystems = Set(v) }
        if let v = try section.string("proc_root") { procRoot = v }
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        HostSource(config: self, timeSource: context.timeSource, metrics: context.metrics)
    }
}
