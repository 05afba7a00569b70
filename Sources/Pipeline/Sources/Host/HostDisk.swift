#if canImport(Glibc)
import Glibc
#endif

/// A mounted file system from /proc/mounts.
struct MountEntry: Equatable, Sendable {
    var device: String
    var path: String
    var fstype: String
    var readOnly: Bool

    /// The entries of /proc/mounts; `\040`-style escapes in paths are decoded.
    static func parse(_ text: String) -> [MountEntry] {
        text.split(separator: "\n").compactMap { line in
            let p = line.split(separator: " ")
            guard p.count >= 4 else { return nil }
            let options = p[3].split(separator: ",")
            return MountEntry(device: unescape(p[0]), path: unescape(p[1]), fstype: String(p[2]),
                              readOnly: options.contains("ro"))
        }
    }

    private static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        var out: [UInt8] = []
        let bytes = Array(s.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count,
               let v = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(v)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The `disk` measurement: space and inodes per mounted file system
/// (`statvfs`), tagged path, device, fstype and mode like Telegraf. Only
/// file systems backed by a device are reported (not in /proc/filesystems as
/// `nodev`), minus the `ignore_fs` types; each mount point once.
enum DiskCollector {
    /// Telegraf's default `ignore_fs`.
    static let defaultIgnored: Set<String> = ["tmpfs", "devtmpfs", "devfs", "iso9660", "overlay", "aufs", "squashfs"]

    /// The file system types the kernel marks `nodev` (no backing device).
    static func virtualTypes(filesystems: String) -> Set<String> {
        var types: Set<String> = []
        for line in filesystems.split(separator: "\n") {
            let p = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if p.count == 2, p[0] == "nodev" { types.insert(String(p[1])) }
        }
        return types
    }

    /// The mounts worth reporting, in /proc/mounts order, each path once.
    static func selected(_ mounts: [MountEntry], virtual: Set<String>, ignored: Set<String>) -> [MountEntry] {
        var seen: Set<String> = []
        return mounts.filter { m in
            !virtual.contains(m.fstype) && !ignored.contains(m.fstype) && seen.insert(m.path).inserted
        }
    }

    /// The point for one mount from its `statvfs` numbers.
    static func point(_ mount: MountEntry, blocks: UInt64, blocksFree: UInt64, blocksAvailable: UInt64,
                      fragmentSize: UInt64, files: UInt64, filesFree: UInt64) -> HostPoint {
        let total = Int64(clamping: blocks &* fragmentSize)
        let free = Int64(clamping: blocksAvailable &* fragmentSize)
        let used = Int64(clamping: (blocks &- min(blocks, blocksFree)) &* fragmentSize)
        let usedPercent = used + free > 0 ? 100 * Double(used) / Double(used + free) : 0
        let inodesUsed = Int64(clamping: files - min(files, filesFree))
        var fields: [(String, HostPoint.Value)] = [
            ("total", .int(total)), ("free", .int(free)), ("used", .int(used)), ("used_percent", .float(usedPercent)),
            ("inodes_total", .int(Int64(clamping: files))), ("inodes_free", .int(Int64(clamping: filesFree))),
            ("inodes_used", .int(inodesUsed)),
        ]
        if files > 0 { fields.append(("inodes_used_percent", .float(100 * Double(inodesUsed) / Double(files)))) }
        let device = mount.device.hasPrefix("/dev/") ? String(mount.device.dropFirst(5)) : mount.device
        return HostPoint("disk", tags: [("device", device), ("fstype", mount.fstype),
                                        ("mode", mount.readOnly ? "ro" : "rw"), ("path", mount.path)],
                         fields: fields)
    }

    /// Points for every selected mount that `statvfs` can read.
    static func points(mounts: String, filesystems: String?, ignored: Set<String>) -> [HostPoint] {
        let virtual = filesystems.map(virtualTypes) ?? []
        return selected(MountEntry.parse(mounts), virtual: virtual, ignored: ignored).compactMap { mount in
            var st = statvfs()
            guard statvfs(mount.path, &st) == 0 else { return nil }
            return point(mount, blocks: UInt64(st.f_blocks), blocksFree: UInt64(st.f_bfree),
                         blocksAvailable: UInt64(st.f_bavail), fragmentSize: UInt64(st.f_frsize),
                         files: UInt64(st.f_files), filesFree: UInt64(st.f_ffree))
        }
    }
}

/// The `diskio` measurement from /proc/diskstats: cumulative counters per
/// block device (tag `name`), times in milliseconds, bytes from 512-byte
/// sectors. Devices that never read or wrote are left out.
enum DiskIOCollector {
    static func points(diskstats: String) -> [HostPoint] {
        var points: [HostPoint] = []
        for line in diskstats.split(separator: "\n") {
            let p = line.split(separator: " ")
            guard p.count >= 14 else { continue }
            let v = p[3...].map { Int64($0) ?? 0 }
            let reads = v[0], writes = v[4]
            guard reads > 0 || writes > 0 else { continue }
            points.append(HostPoint("diskio", tags: [("name", String(p[2]))], fields: [
                ("reads", .int(reads)), ("writes", .int(writes)),
                ("read_bytes", .int(v[2] * 512)), ("write_bytes", .int(v[6] * 512)),
                ("read_time", .int(v[3])), ("write_time", .int(v[7])),
                ("io_time", .int(v[9])), ("weighted_io_time", .int(v[10])),
                ("iops_in_progress", .int(v[8])),
                ("merged_reads", .int(v[1])), ("merged_writes", .int(v[5])),
            ]))
        }
        return points
    }
}
