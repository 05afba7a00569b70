import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX file operations blocks need, with errors mapped to `TSDBError`.
enum FileIO {
    /// Writes `bytes` to `path` (created or truncated) and fsyncs it.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw error("open", path) }
        defer { close(fd) }
        var written = 0
        try bytes.withUnsafeBytes { buf in
            while written < buf.count {
                let n = posixWrite(fd, buf.baseAddress! + written, buf.count - written)
                guard n > 0 else { throw error("write", path) }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    /// Writes a file atomically: a temp file, fsync, rename, fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temp = path + ".tmp"
        try write(bytes, to: temp)
        guard rename(temp, path) == 0 else { throw error("rename", temp) }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw error("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error("fsync", path) }
    }

    static func readAll(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TSDBError(.io, "cannot read \(path)")
        }
        return [UInt8](data)
    }

    static func error(_ op: String, _ path: String) -> TSDBError {
        let code = errno
        return TSDBError(.io, "\(op) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Bytes used by the regular files under `path`.
    static func directorySize(_ path: String) -> Int64 {
        guard let e = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        while let name = e.nextObject() as? String {
            if let attrs = try? FileManager.default.attributesOfItem(atPath: path + "/" + name),
               (attrs[.type] as? FileAttributeType) == .typeRegular,
               let size = attrs[.size] as? NSNumber {
                total += size.int64Value
            }
        }
        return total
    }
}

private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buf, count)
    #else
    return Darwin.write(fd, buf, count)
    #endif
}
