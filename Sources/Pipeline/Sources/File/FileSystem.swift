#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import PetrelCore

/// The few POSIX calls the file source makes, kept in one place: glob
/// expansion, `stat`, opening for reading and `pread`.
enum FileSystem {
    /// What `stat` says about one path: its identity and size.
    struct Status: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modifiedMillis: Int64
        var isRegular: Bool
    }

    /// The paths `pattern` matches, sorted; none when nothing matches or the pattern is bad.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths.sorted()
    }

    /// Whether `path` matches the shell pattern `pattern` (`*` crosses `/`, as exclude lists expect).
    static func matches(_ path: String, pattern: String) -> Bool {
        fnmatch(pattern, path, 0) == 0
    }

    /// The names in `directory` (without `.` and `..`), sorted; empty when it cannot be read.
    static func names(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func status(_ path: String) -> Status? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Status(st)
    }

    static func status(fd: Int32) -> Status? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return Status(st)
    }

    static func openForReading(_ path: String) -> Int32? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Reads up to `buffer.count` bytes at `offset`; retries on EINTR. Returns -1 on error.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// A checksum of the first `count` bytes of the open file, or nil when it is shorter.
    static func fingerprint(fd: Int32, count: Int) -> UInt64? {
        guard count > 0 else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 8)
        defer { buffer.deallocate() }
        var got = 0
        while got < count {
            let n = read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[got...]), at: Int64(got))
            if n <= 0 { return nil }
            got += n
        }
        var hash = FNV1a()
        hash.add(bytes: UnsafeRawBufferPointer(buffer))
        return hash.value
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes `bytes` to `path` so that a crash leaves either the old or the
    /// new content: a temporary file, fsync, rename over, fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String) -> String? {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot create \(temp): \(errorText())" }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        let message = ok ? nil : "cannot write \(temp): \(errorText())"
        _ = Glibc.close(fd)
        if let message { return message }
        guard rename(temp, path) == 0 else { return "cannot rename \(temp): \(errorText())" }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let dfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            _ = Glibc.close(dfd)
        }
        return nil
    }

    static func remove(_ path: String) -> String? {
        unlink(path) == 0 ? nil : "cannot delete \(path): \(errorText())"
    }

    static func move(_ from: String, to: String) -> String? {
        rename(from, to) == 0 ? nil : "cannot rename \(from) to \(to): \(errorText())"
    }
}

extension FileSystem.Status {
    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modifiedMillis = Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000
        isRegular = (st.st_mode & S_IFMT) == S_IFREG
    }
}
