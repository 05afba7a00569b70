#if canImport(Glibc)
import Glibc
#endif

/// One measurement the `host` source reports: Telegraf's measurement, tag
/// and field names, before the common tags (`host`, configured ones) are added.
struct HostPoint: Equatable, Sendable {
    enum Value: Equatable, Sendable {
        case int(Int64)
        case float(Double)
    }

    var measurement: String
    var tags: [(String, String)]
    var fields: [(String, Value)]

    init(_ measurement: String, tags: [(String, String)] = [], fields: [(String, Value)]) {
        self.measurement = measurement
        self.tags = tags
        self.fields = fields
    }

    /// The field named `name`, for tests and callers that pick one.
    subscript(_ name: String) -> Value? { fields.first { $0.0 == name }?.1 }

    /// The tag named `name`.
    func tag(_ name: String) -> String? { tags.first { $0.0 == name }?.1 }

    static func == (a: HostPoint, b: HostPoint) -> Bool {
        a.measurement == b.measurement && a.tags.elementsEqual(b.tags, by: ==) && a.fields.elementsEqual(b.fields, by: ==)
    }

    /// Writes the point as one line with `common` tags added, tags sorted by key.
    func write(into writer: inout MetricLineWriter, common: [(String, String)], timestampNanos: Int64) {
        var all = common.filter { key, _ in !tags.contains { $0.0 == key } }
        all += tags
        all.sort { $0.0 < $1.0 }
        writer.begin(measurement, tags: all)
        for (name, value) in fields {
            switch value {
            case .int(let v): writer.field(name, v)
            case .float(let v): writer.field(name, v)
            }
        }
        writer.end(timestampNanos: timestampNanos)
    }
}

/// Small readers for the whitespace-separated text of /proc files.
enum ProcText {
    /// The text of a small file, nil if unreadable.
    static func read(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of a small file (a /proc file has no size up front, so it is
    /// read until EOF, at most 64 MiB), nil if unreadable.
    static func readBytes(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 64 << 20 {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// `Key:   123 kB` lines as key → number (the unit is left to the caller).
    static func keyedNumbers(_ text: String) -> [Substring: Int64] {
        var values: [Substring: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let rest = line[line.index(after: colon)...].split(separator: " ")
            if let first = rest.first, let v = Int64(first) { values[line[..<colon]] = v }
        }
        return values
    }

    /// `key 123` lines (/proc/vmstat) as key → number.
    static func spacedNumbers(_ text: String) -> [Substring: Int64] {
        var values: [Substring: Int64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            if parts.count >= 2, let v = Int64(parts[1]) { values[parts[0]] = v }
        }
        return values
    }
}
