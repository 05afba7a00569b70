import Testing
#if canImport(Glibc)
import Glibc
#endif
import PetrelCore
@testable import Pipeline

@Suite struct HostCollectorTests {
    func float(_ v: HostPoint.Value?) -> Double? {
        switch v {
        case .float(let d): d
        case .int(let i): Double(i)
        case nil: nil
        }
    }

    @Test("cpu usage is each state's share of the ticks between two readings, guest time taken out of user")
    func cpuUsage() {
        var cpu = CPUCollector()
        let first = "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\nintr 5\n"
        let second = "cpu  160 0 120 1000 20 0 0 0 10 0\ncpu0 160 0 120 1000 20 0 0 0 10 0\n"
        #expect(cpu.points(stat: first).isEmpty)
        let points = cpu.points(stat: second)
        #expect(points.map { $0.tag("cpu") } == ["cpu-total", "cpu0"])
        let total = points[0]
        // Total delta: 60 user + 20 system + 200 idle + 20 iowait = 300 ticks.
        #expect(float(total["usage_user"]) == 100 * 50.0 / 300)
        #expect(float(total["usage_system"]) == 100 * 20.0 / 300)
        #expect(float(total["usage_idle"]) == 100 * 200.0 / 300)
        #expect(float(total["usage_iowait"]) == 100 * 20.0 / 300)
        #expect(float(total["usage_guest"]) == 100 * 10.0 / 300)
        #expect(total.fields.count == 10)
    }

    static let meminfo = """
        MemTotal:       16000000 kB
        MemFree:         4000000 kB
        MemAvailable:    9000000 kB
        Buffers:          500000 kB
        Cached:          3000000 kB
        SwapCached:            0 kB
        Active:          6000000 kB
        Inactive:        2000000 kB
        SwapTotal:       2000000 kB
        SwapFree:        1500000 kB
        Shmem:            100000 kB
        SReclaimable:     500000 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB
        """

    @Test("mem follows gopsutil: cached includes reclaimable slab, used excludes buffers and cache")
    func memory() throws {
        let mem = try #require(MemoryCollector.mem(meminfo: Self.meminfo))
        #expect(mem["total"] == .int(16_000_000 * 1024))
        #expect(mem["cached"] == .int(3_500_000 * 1024))
        #expect(mem["used"] == .int(8_000_000 * 1024))
        #expect(mem["available"] == .int(9_000_000 * 1024))
        #expect(float(mem["used_percent"]) == 50)
        #expect(float(mem["available_percent"]) == 56.25)
        #expect(mem["shared"] == .int(100_000 * 1024))
        #expect(mem["huge_page_size"] == .int(2048 * 1024))
    }

    @Test("swap reports used space and bytes swapped in and out")
    func swap() throws {
        let swap = try #require(MemoryCollector.swap(meminfo: Self.meminfo, vmstat: "pswpin 10\npswpout 20\n",
                                                     pageSize: 4096))
        #expect(swap["used"] == .int(500_000 * 1024))
        #expect(float(swap["used_percent"]) == 25)
        #expect(swap["in"] == .int(40960))
        #expect(swap["out"] == .int(81920))
    }

    @Test("net skips loopback and maps /proc/net/dev columns to Telegraf's fields")
    func net() {
        let text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 500 5 0 0 0 0 0 0 500 5 0 0 0 0 0 0
              eth0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0
            """
        let points = NetCollector.points(netDev: text)
        #expect(points.count == 1)
        let eth = points[0]
        #expect(eth.tag("interface") == "eth0")
        #expect(eth["bytes_recv"] == .int(1000) && eth["bytes_sent"] == .int(2000))
        #expect(eth["packets_recv"] == .int(10) && eth["packets_sent"] == .int(20))
        #expect(eth["err_in"] == .int(1) && eth["err_out"] == .int(3))
        #expect(eth["drop_in"] == .int(2) && eth["drop_out"] == .int(4))
    }

    @Test("diskio reads counters per device and leaves idle devices out")
    func diskio() {
        let text = """
               7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
             253       0 vda 1000 10 80000 500 2000 20 160000 900 3 1200 1400 0 0 0 0
            """
        let points = DiskIOCollector.points(diskstats: text)
        #expect(points.count == 1)
        let vda = points[0]
        #expect(vda.tag("name") == "vda")
        #expect(vda["reads"] == .int(1000) && vda["writes"] == .int(2000))
        #expect(vda["read_bytes"] == .int(80000 * 512) && vda["write_bytes"] == .int(160000 * 512))
        #expect(vda["read_time"] == .int(500) && vda["write_time"] == .int(900))
        #expect(vda["iops_in_progress"] == .int(3) && vda["io_time"] == .int(1200))
    }

    @Test("disk keeps device-backed file systems, once per path, minus ignored types")
    func diskSelection() {
        let mounts = MountEntry.parse("""
            proc /proc proc rw,relatime 0 0
            /dev/vda / ext4 rw,relatime 0 0
            tmpfs /dev/shm tmpfs rw 0 0
            /dev/vdb /mnt/my\\040data xfs ro,relatime 0 0
            /dev/vda / ext4 rw,relatime 0 0
            """)
        let virtual = DiskCollector.virtualTypes(filesystems: "nodev\tproc\nnodev\ttmpfs\n\text4\n\txfs\n")
        let chosen = DiskCollector.selected(mounts, virtual: virtual, ignored: DiskCollector.defaultIgnored)
        #expect(chosen.map(\.path) == ["/", "/mnt/my data"])
        #expect(chosen[1].readOnly)
    }

    @Test("disk space follows statvfs as Telegraf reads it")
    func diskPoint() {
        let point = DiskCollector.point(MountEntry(device: "/dev/vda", path: "/", fstype: "ext4", readOnly: false),
                                        blocks: 1000, blocksFree: 300, blocksAvailable: 200, fragmentSize: 4096,
                                        files: 100, filesFree: 40)
        #expect(point.tags.map(\.0) == ["device", "fstype", "mode", "path"])
        #expect(point.tag("device") == "vda" && point.tag("mode") == "rw")
        #expect(point["total"] == .int(4_096_000))
        #expect(point["used"] == .int(700 * 4096))
        #expect(point["free"] == .int(200 * 4096))
        #expect(float(point["used_percent"]) == 100 * 700.0 / 900)
        #expect(point["inodes_used"] == .int(60))
    }

    @Test("system reads load, CPU count, users and uptime")
    func system() throws {
        let p = try #require(SystemCollector.point(loadavg: "0.50 0.25 0.10 1/200 300\n", uptime: "12345.67 999.0\n",
                                                   cpus: SystemCollector.cpuCount(stat: "cpu 1\ncpu0 1\ncpu1 1\n"),
                                                   users: 2))
        #expect(p["load1"] == .float(0.5) && p["load15"] == .float(0.1))
        #expect(p["n_cpus"] == .int(2) && p["n_users"] == .int(2) && p["uptime"] == .int(12345))
        var utmp = [UInt8](repeating: 0, count: 384 * 3)
        utmp[0] = 7
        utmp[384] = 8
        utmp[768] = 7
        #expect(SystemCollector.userCount(utmp: utmp) == 2)
    }

    @Test("processes are counted by state, names with spaces and parentheses included")
    func processes() {
        let stat = { (state: String, threads: Int) in
            "1 (a (weird) name) \(state) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 20 0 \(threads) 0 0"
        }
        let p = ProcessesCollector.point(stats: [stat("R", 1), stat("S", 4), stat("S", 2), stat("Z", 1), stat("I", 1)])
        #expect(p["running"] == .int(1) && p["sleeping"] == .int(2) && p["zombies"] == .int(1) && p["idle"] == .int(1))
        #expect(p["total"] == .int(5) && p["total_threads"] == .int(9))
    }

    @Test("kernel reads boot time, context switches, interrupts and forks")
    func kernel() throws {
        let p = try #require(KernelCollector.point(stat: "intr 500 1 2\nctxt 900\nbtime 1700000000\nprocesses 77\n",
                                                   entropy: "256\n"))
        #expect(p["interrupts"] == .int(500) && p["context_switches"] == .int(900))
        #expect(p["boot_time"] == .int(1_700_000_000) && p["processes_forked"] == .int(77))
        #expect(p["entropy_avail"] == .int(256))
    }

    @Test("a point is written with the host tag and sorted tags")
    func lineOutput() {
        var writer = MetricLineWriter()
        HostPoint("cpu", tags: [("cpu", "cpu0")], fields: [("usage_idle", .float(99.5)), ("n", .int(3))])
            .write(into: &writer, common: [("host", "box 1")], timestampNanos: 5)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "cpu,cpu=cpu0,host=box\\ 1 usage_idle=99.5,n=3i 5\n")
    }

    @Test("reading the real /proc gives every collector's measurement")
    func realProc() {
        var section = ConfigSection(file: "petrel.yaml", path: "sources.h", map: [:])
        var reader = HostReader(config: try! HostSourceConfig(&section))
        _ = reader.collect()
        usleep(200_000)  // at least a few clock ticks, so the CPU deltas are not empty
        let names = Set(reader.collect().map(\.measurement))
        for name in ["cpu", "mem", "swap", "diskio", "net", "system", "processes", "kernel"] {
            #expect(names.contains(name), "\(name)")
        }
    }
}
