#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX file calls that retry on EINTR and throw `LogStorageError.io`
/// naming the path; the hot paths use these instead of Foundation.
enum FileIO {
    static func open(_ path: String, create: Bool) throws(LogStorageError) -> Int32 {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = retrying { Glibc.open(path, flags, 0o644) }
        guard fd >= 0 else { throw failure("open", path) }
        return fd
    }

    /// Writes all of `bytes` at `offset`.
    static func pwriteAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws(LogStorageError) {
        var done = 0
        while done < bytes.count {
            let n = retrying { pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            guard n > 0 else { throw failure("pwrite", path) }
            done += n
        }
    }

    /// Writes `prefix` then `rest` contiguously at `offset` with one `pwritev`
    /// where possible, so a batch can be stored with a new base offset without copying it.
    static func pwriteAll(_ fd: Int32, prefix: UnsafeRawBufferPointer, rest: UnsafeRawBufferPointer, at offset: Int,
                          path: String) throws(LogStorageError) {
        var vectors = [
            iovec(iov_base: UnsafeMutableRawPointer(mutating: prefix.baseAddress), iov_len: prefix.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: rest.baseAddress), iov_len: rest.count),
        ]
        let total = prefix.count + rest.count
        let written = retrying { pwritev(fd, &vectors, 2, off_t(offset)) }
        guard written >= 0 else { throw failure("pwritev", path) }
        guard written < total else { return }
        // A short write: finish the remainder piece by piece.
        if written < prefix.count {
            try pwriteAll(fd, UnsafeRawBufferPointer(rebasing: prefix[written...]), at: offset + written, path: path)
            try pwriteAll(fd, rest, at: offset + prefix.count, path: path)
        } else {
            let done = written - prefix.count
            try pwriteAll(fd, UnsafeRawBufferPointer(rebasing: rest[done...]), at: offset + written, path: path)
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    static func pread(_ fd: Int32, count: Int, at offset: Int, path: String) throws(LogStorageError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let result: Result<Int, LogStorageError> = out.withUnsafeMutableBytes { buf in
            do throws(LogStorageError) { return .success(try preadSome(fd, into: buf, at: offset, path: path)) } catch {
                return .failure(error)
            }
        }
        let done = try result.get()
        if done < count { out.removeSubrange(done...) }
        return out
    }

    /// Fills `buffer` from `offset`; throws when the file ends first.
    static func preadAll(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                         path: String) throws(LogStorageError) {
        let done = try preadSome(fd, into: buffer, at: offset, path: path)
        guard done == buffer.count else {
            throw LogStorageError(.io, "\(path): only \(done) of \(buffer.count) bytes at \(offset) could be read")
        }
    }

    /// Reads into `buffer` from `offset` until it is full or the file ends; returns the bytes read.
    static func preadSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                          path: String) throws(LogStorageError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = retrying { Glibc.pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
            if n < 0 { throw failure("pread", path) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func fsync(_ fd: Int32, path: String) throws(LogStorageError) {
        guard retrying({ Glibc.fsync(fd) }) == 0 else { throw failure("fsync", path) }
    }

    static func truncate(_ fd: Int32, to size: Int, path: String) throws(LogStorageError) {
        guard retrying({ ftruncate(fd, off_t(size)) }) == 0 else { throw failure("ftruncate", path) }
    }

    static func size(_ fd: Int32, path: String) throws(LogStorageError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure("fstat", path) }
        return Int(st.st_size)
    }

    /// The file's last modification time in milliseconds since the epoch (nil when fstat fails).
    static func modifiedMillis(_ fd: Int32) -> Int64? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return Int64(st.st_mtim.tv_sec) * 1000 + Int64(st.st_mtim.tv_nsec) / 1_000_000
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func makeDirectory(_ path: String) throws(LogStorageError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure("mkdir", path) }
    }

    /// Makes a create, rename or unlink in `directory` durable.
    static func fsyncDirectory(_ directory: String) throws(LogStorageError) {
        let fd = retrying { Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw failure("open", directory) }
        defer { close(fd) }
        try fsync(fd, path: directory)
    }

    static func unlink(_ path: String) {
        _ = Glibc.unlink(path)
    }

    static func rename(_ from: String, _ to: String) throws(LogStorageError) {
        guard Glibc.rename(from, to) == 0 else { throw failure("rename", "\(from) -> \(to)") }
    }

    /// Replaces `path` atomically with `bytes`: write a temporary file, fsync, rename, fsync the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(LogStorageError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, create: true)
        do {
            try truncate(fd, to: 0, path: temporary)
            try withBytes(bytes) { (buf) throws(LogStorageError) in try pwriteAll(fd, buf, at: 0, path: temporary) }
            try fsync(fd, path: temporary)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        try rename(temporary, path)
        try fsyncDirectory(directory)
    }

    /// Reads a whole small file; nil when it does not exist.
    static func readFile(_ path: String) throws(LogStorageError) -> [UInt8]? {
        guard exists(path) else { return nil }
        let fd = try open(path, create: false)
        defer { close(fd) }
        return try pread(fd, count: size(fd, path: path), at: 0, path: path)
    }

    static func failure(_ call: String, _ path: String) -> LogStorageError {
        let cause = POSIXFailure(call: call, errno: errno)
        return LogStorageError(.io, "\(call) \(path) failed", cause: cause)
    }

    @inline(__always)
    private static func retrying<T: SignedInteger>(_ body: () -> T) -> T {
        while true {
            let result = body()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }
}
