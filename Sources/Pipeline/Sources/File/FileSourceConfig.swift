import PetrelCore

/// `type: file`: tails files matched by globs (or, with `mode: spool`, reads
/// whole files dropped in a directory) and writes one log event per line to
/// the source's topic. See docs/pipeline/file.md for every key.
public struct FileSourceConfig: SourceConfig, Equatable {
    public static let type = "file"

    /// Where a file seen for the first time (with no checkpoint) is read from.
    public enum ReadFrom: String, Sendable, Equatable { case beginning, end }

    /// `tail` follows growing files; `spool` reads finished files once (Flume's spooling directory).
    public enum Mode: String, Sendable, Equatable { case tail, spool }

    /// What happens to a spooled file once every line of it is in the topic.
    public enum AfterRead: String, Sendable, Equatable { case rename, delete }

    public var include: [String] = []
    public var exclude: [String] = []
    public var readFrom: ReadFrom = .beginning
    public var globIntervalMillis: Int64 = 1000
    public var maxLineBytes: Int = 100 * 1024
    public var lineDelimiter: [UInt8] = [0x0A]
    public var multiline: MultilineConfig?
    public var fingerprintBytes: Int = 256
    public var ignoreOlderMillis: Int64?
    public var host: String?
    public var mode: Mode = .tail
    public var afterRead: AfterRead = .rename
    public var spoolDirectory: String?
    /// How long a file that left its path (renamed or deleted) is still read
    /// for growth after its end was reached, before it is closed.
    public var rotateWaitMillis: Int64 = 5000
    /// File bytes whose lines are gathered into one batch (one `send`);
    /// also the bound on what a crash makes the source send again.
    public var batchMaxBytes: Int = 8 << 20

    /// The suffix a spooled file gets when `after_read: rename`.
    public static let completedSuffix = ".COMPLETED"

    public init() {}

    public init(_ section: inout ConfigSection) throws {
        if let mode = try section.string("mode") {
            guard let m = Mode(rawValue: mode) else { throw section.error("mode", "expected tail or spool") }
            self.mode = m
        }
        include = try section.strings("include") ?? []
        exclude = try section.strings("exclude") ?? []
        spoolDirectory = try section.string("spool_dir")
        switch mode {
        case .tail:
            guard !include.isEmpty else { throw section.error("include", "expected at least one glob of files to tail") }
            if spoolDirectory != nil { throw section.error("spool_dir", "only used with mode: spool") }
        case .spool:
            guard let dir = spoolDirectory, !dir.isEmpty else {
                throw section.error("spool_dir", "mode: spool needs the directory to read files from")
            }
        }
        for (i, glob) in include.enumerated() where !glob.hasPrefix("/") {
            throw section.error("include[\(i)]", "expected an absolute path glob, got \"\(glob)\"")
        }
        if let value = try section.string("read_from") {
            guard let r = ReadFrom(rawValue: value) else { throw section.error("read_from", "expected beginning or end") }
            readFrom = r
        }
        if let ms = try section.duration("glob_interval") {
            guard ms > 0 else { throw section.error("glob_interval", "expected a duration above zero") }
            globIntervalMillis = ms
        }
        if let n = try section.int("max_line_bytes") {
            guard n > 0, n <= 64 << 20 else { throw section.error("max_line_bytes", "expected 1 to 67108864 bytes") }
            maxLineBytes = n
        }
        if let delimiter = try section.string("line_delimiter") {
            guard !delimiter.isEmpty, delimiter.utf8.count <= 16 else {
                throw section.error("line_delimiter", "expected 1 to 16 bytes")
            }
            lineDelimiter = Array(delimiter.utf8)
        }
        if var sub = try section.section("multiline") {
            multiline = try MultilineConfig(&sub)
            try sub.finish()
        }
        if let n = try section.int("fingerprint_bytes") {
            guard n >= 16, n <= 1 << 20 else { throw section.error("fingerprint_bytes", "expected 16 to 1048576 bytes") }
            fingerprintBytes = n
        }
        ignoreOlderMillis = try section.duration("ignore_older")
        if let encoding = try section.string("encoding") {
            guard ["utf8", "utf-8"].contains(encoding.lowercased()) else {
                throw section.error("encoding", "only utf8 is supported (invalid bytes are replaced)")
            }
        }
        host = try section.string("host")
        if let value = try section.string("after_read") {
            guard let a = AfterRead(rawValue: value) else { throw section.error("after_read", "expected rename or delete") }
            guard mode == .spool else { throw section.error("after_read", "only used with mode: spool") }
            afterRead = a
        }
        if let ms = try section.duration("rotate_wait") { rotateWaitMillis = ms }
        if let n = try section.int("batch_max_bytes") {
            guard n >= 4096, n <= 256 << 20 else { throw section.error("batch_max_bytes", "expected 4096 to 268435456 bytes") }
            batchMaxBytes = n
        }
    }

    public func build(_ context: ComponentContext) throws -> any Source {
        FileSource(config: self, context: context)
    }
}

/// How lines are joined into one event (Vector's `multiline` settings): a
/// line matching `start_pattern` opens an event, `condition_pattern` and
/// `mode` decide which following lines belong to it, and `timeout_ms` flushes
/// an event whose next line does not come.
public struct MultilineConfig: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        /// Lines matching the condition continue the event; the first that does not starts the next.
        case continueThrough = "continue_through"
        /// Lines matching the condition continue the event, and so does the first that does not (it ends it).
        case continuePast = "continue_past"
        /// Lines continue the event until one matches the condition; that one starts the next.
        case haltBefore = "halt_before"
        /// Lines continue the event until one matches the condition; that one ends it.
        case haltWith = "halt_with"
    }

    public var startPattern: String
    public var conditionPattern: String
    public var mode: Mode
    public var timeoutMillis: Int64

    public init(startPattern: String, conditionPattern: String, mode: Mode, timeoutMillis: Int64 = 1000) {
        self.startPattern = startPattern
        self.conditionPattern = conditionPattern
        self.mode = mode
        self.timeoutMillis = timeoutMillis
    }

    init(_ section: inout ConfigSection) throws {
        guard let start = try section.string("start_pattern") else {
            throw section.error("start_pattern", "expected a regular expression for the first line of an event")
        }
        guard let condition = try section.string("condition_pattern") else {
            throw section.error("condition_pattern", "expected a regular expression that mode applies to")
        }
        guard let modeText = try section.string("mode"), let mode = Mode(rawValue: modeText) else {
            throw section.error("mode", "expected continue_through, continue_past, halt_before or halt_with")
        }
        for (key, pattern) in [("start_pattern", start), ("condition_pattern", condition)] {
            do { _ = try Regex(pattern) } catch {
                throw section.error(key, "not a valid regular expression: \(error)")
            }
        }
        let timeout = try section.int("timeout_ms") ?? 1000
        guard timeout > 0 else { throw section.error("timeout_ms", "expected milliseconds above zero") }
        self.init(startPattern: start, conditionPattern: condition, mode: mode, timeoutMillis: Int64(timeout))
    }
}
