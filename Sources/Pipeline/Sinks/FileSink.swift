import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOPosix
import PetrelCore
import Synchronization

/// `type: file`: appends its inputs' records to a local file, one line per
/// log event or line-protocol line (see `RecordEncoding`). `path` may hold
/// `%Y %m %d %H` (UTC, from the write time) so files roll daily or hourly;
/// `max_bytes` rotates a file that would grow past it to `<path>.<n>`. Every
/// `write` is fsynced before it returns (at-least-once).
public struct FileSinkConfig: SinkConfig {
    public static let type = "file"
    public let path: String
    public let encoding: RecordEncoding
    /// Rotate before a write would make the file larger; 0 = never.
    public let maxBytes: Int

    public init(_ section: inout ConfigSection) throws {
        guard let path = try section.string("path"), !path.isEmpty else {
            throw section.error("path", "missing: the file to write, e.g. /var/log/petrel/app-%Y-%m-%d.log")
        }
        self.path = path
        encoding = try RecordEncoding.read(&section)
        maxBytes = try section.int("max_bytes") ?? 0
        if maxBytes < 0 { throw section.error("max_bytes", "must not be negative (0 = no rotation)") }
    }

    public func build(_ context: ComponentContext) throws -> any Sink {
        FileSink(pattern: path, encoding: encoding, maxBytes: maxBytes, timeSource: context.timeSource)
    }
}

final class FileSink: Sink {
    let pattern: String
    let encoding: RecordEncoding
    let maxBytes: Int
    let timeSource: any TimeSource
    /// The open file, shared by the sink's consumer tasks (one writer at a time).
    private let file = Mutex<OpenFile?>(nil)

    struct OpenFile {
        var path: String
        var fd: Int32
        var size: Int
    }

    init(pattern: String, encoding: RecordEncoding, maxBytes: Int, timeSource: any TimeSource) {
        self.pattern = pattern
        self.encoding = encoding
        self.maxBytes = maxBytes
        self.timeSource = timeSource
    }

    func write(_ records: [Record], from input: SinkInput) async throws {
        var bytes: [UInt8] = []
        for record in records { encoding.append(record, to: &bytes) }
        guard !bytes.isEmpty else { return }
        let path = Self.expand(pattern, millis: timeSource.nowMillis())
        let payload = bytes
        try await NIOThreadPool.singleton.runIfActive { [self] in try self.append(payload, path: path) }
    }

    func stop() async {
        file.withLock { open in
            if let fd = open?.fd { close(fd) }
            open = nil
        }
    }

    /// Writes `bytes` to `path` (opening, rotating as needed) and fsyncs.
    private func append(_ bytes: [UInt8], path: String) throws {
        try file.withLock { open in
            if let current = open, current.path != path {
                close(current.fd)
                open = nil
            }
            if let current = open, maxBytes > 0, current.size > 0, current.size + bytes.count > maxBytes {
                close(current.fd)
                open = nil
                try Self.rotate(path)
            }
            if open == nil { open = try Self.open(path) }
            guard var current = open else { return }
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { buffer in
                    Glibc.write(current.fd, buffer.baseAddress! + written, buffer.count - written)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PipelineError(.writeFailed, "cannot write \(path): \(String(cString: strerror(errno)))")
                }
                written += n
            }
            current.size += written
            open = current
            if fsync(current.fd) != 0 {
                throw PipelineError(.writeFailed, "cannot fsync \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func open(_ path: String) throws -> OpenFile {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PipelineError(.writeFailed, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        return OpenFile(path: path, fd: fd, size: size)
    }

    /// Renames `path` to the first free `<path>.<n>`, n from 1.
    private static func rotate(_ path: String) throws {
        var n = 1
        while FileManager.default.fileExists(atPath: "\(path).\(n)") { n += 1 }
        guard rename(path, "\(path).\(n)") == 0 else {
            throw PipelineError(.writeFailed, "cannot rotate \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// `pattern` with `%Y %m %d %H %M` (UTC at `millis`) and `%%` replaced.
    static func expand(_ pattern: String, millis: Int64) -> String {
        guard pattern.contains("%") else { return pattern }
        var t = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out = ""
        var percent = false
        for c in pattern {
            if percent {
                switch c {
                case "Y": out += pad(parts.tm_year + 1900, 4)
                case "m": out += pad(parts.tm_mon + 1, 2)
                case "d": out += pad(parts.tm_mday, 2)
                case "H": out += pad(parts.tm_hour, 2)
                case "M": out += pad(parts.tm_min, 2)
                case "%": out += "%"
                default: out += "%" + String(c)
                }
                percent = false
            } else if c == "%" {
                percent = true
            } else {
                out.append(c)
            }
        }
        if percent { out += "%" }
        return out
    }
}
