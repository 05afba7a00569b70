/// The `mem` and `swap` measurements from /proc/meminfo and /proc/vmstat,
/// computed as Telegraf (through gopsutil) computes them: bytes, `cached`
/// includes reclaimable slab, `used` = total − free − buffers − cached.
enum MemoryCollector {
    /// /proc/meminfo keys and the Telegraf fields they become (values in kB).
    private static let memFields: [(String, Substring)] = [
        ("active", "Active"), ("inactive", "Inactive"), ("slab", "Slab"), ("sreclaimable", "SReclaimable"),
        ("sunreclaim", "SUnreclaim"), ("page_tables", "PageTables"), ("swap_cached", "SwapCached"),
        ("commit_limit", "CommitLimit"), ("committed_as", "Committed_AS"), ("dirty", "Dirty"),
        ("write_back", "Writeback"), ("write_back_tmp", "WritebackTmp"), ("shared", "Shmem"),
        ("mapped", "Mapped"), ("vmalloc_total", "VmallocTotal"), ("vmalloc_used", "VmallocUsed"),
        ("vmalloc_chunk", "VmallocChunk"), ("huge_page_size", "Hugepagesize"),
        ("high_total", "HighTotal"), ("high_free", "HighFree"), ("low_total", "LowTotal"), ("low_free", "LowFree"),
        ("swap_total", "SwapTotal"), ("swap_free", "SwapFree"),
    ]

    static func mem(meminfo: String) -> HostPoint? {
        let kb = ProcText.keyedNumbers(meminfo)
        guard let totalKB = kb["MemTotal"], totalKB > 0 else { return nil }
        let total = totalKB * 1024
        let free = (kb["MemFree"] ?? 0) * 1024
        let buffered = (kb["Buffers"] ?? 0) * 1024
        let cached = ((kb["Cached"] ?? 0) + (kb["SReclaimable"] ?? 0)) * 1024
        // Kernels before 3.14 have no MemAvailable; gopsutil then estimates free + buffers + cached.
        let available = kb["MemAvailable"].map { $0 * 1024 } ?? (free + buffered + cached)
        var used = total - free - buffered - cached
        if used < 0 { used = total - free }
        var fields: [(String, HostPoint.Value)] = [
            ("total", .int(total)), ("available", .int(available)), ("used", .int(used)), ("free", .int(free)),
            ("cached", .int(cached)), ("buffered", .int(buffered)),
            ("used_percent", .float(100 * Double(used) / Double(total))),
            ("available_percent", .float(100 * Double(available) / Double(total))),
        ]
        for (field, key) in memFields {
            guard let v = kb[key] else { continue }
            fields.append((field, .int(v * 1024)))
        }
        if let v = kb["HugePages_Total"] { fields.append(("huge_pages_total", .int(v))) }
        if let v = kb["HugePages_Free"] { fields.append(("huge_pages_free", .int(v))) }
        return HostPoint("mem", fields: fields)
    }

    /// `swap`: total/used/free/used_percent and `in`/`out` (bytes swapped, from vmstat pages).
    static func swap(meminfo: String, vmstat: String?, pageSize: Int64) -> HostPoint? {
        let kb = ProcText.keyedNumbers(meminfo)
        guard let totalKB = kb["SwapTotal"] else { return nil }
        let total = totalKB * 1024
        let free = (kb["SwapFree"] ?? 0) * 1024
        let used = total - free
        var fields: [(String, HostPoint.Value)] = [
            ("total", .int(total)), ("used", .int(used)), ("free", .int(free)),
            ("used_percent", .float(total > 0 ? 100 * Double(used) / Double(total) : 0)),
        ]
        if let vmstat {
            let pages = ProcText.spacedNumbers(vmstat)
            fields.append(("in", .int((pages["pswpin"] ?? 0) * pageSize)))
            fields.append(("out", .int((pages["pswpout"] ?? 0) * pageSize)))
        }
        return HostPoint("swap", fields: fields)
    }
}
