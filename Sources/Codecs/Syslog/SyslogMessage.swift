/// One decoded syslog message, RFC 5424 or RFC 3164: what a syslog source
/// turns into a log event. Absent parts (the `-` nil value of RFC 5424, or a
/// part RFC 3164 does not have) are nil.
public struct SyslogMessage: Sendable, Equatable {
    /// Which RFC the message followed.
    public enum Format: String, Sendable {
        case rfc5424
        case rfc3164
    }

    public var format: Format
    /// 0...23, from `<PRI>` (PRI / 8).
    public var facility: Int
    /// 0...7, from `<PRI>` (PRI % 8).
    public var severity: Int
    /// The RFC 5424 version (1); nil for RFC 3164.
    public var version: Int?
    /// Microseconds since the epoch, UTC; nil when the message carried none.
    public var timestampMicros: Int64?
    public var hostname: String?
    public var appname: String?
    public var procid: String?
    public var msgid: String?
    /// RFC 5424 structured data elements, in message order.
    public var structuredData: [Element]
    /// The free-form text (a leading UTF-8 BOM and trailing line ends removed).
    public var message: String

    /// One `[id name="value" ...]` element of RFC 5424 structured data.
    public struct Element: Sendable, Equatable {
        public var id: String
        /// Parameters in message order, values with their escapes resolved.
        public var parameters: [(name: String, value: String)]

        public init(id: String, parameters: [(name: String, value: String)]) {
            self.id = id
            self.parameters = parameters
        }

        public static func == (a: Element, b: Element) -> Bool {
            a.id == b.id && a.parameters.elementsEqual(b.parameters) { $0.name == $1.name && $0.value == $1.value }
        }
    }

    public init(format: Format, facility: Int, severity: Int, version: Int? = nil, timestampMicros: Int64? = nil,
                hostname: String? = nil, appname: String? = nil, procid: String? = nil, msgid: String? = nil,
                structuredData: [Element] = [], message: String) {
        self.format = format
        self.facility = facility
        self.severity = severity
        self.version = version
        self.timestampMicros = timestampMicros
        self.hostname = hostname
        self.appname = appname
        self.procid = procid
        self.msgid = msgid
        self.structuredData = structuredData
        self.message = message
    }

    /// The facility's keyword (`kern`, `auth`, `local3`, ...), the names
    /// rsyslog and Vector use.
    public var facilityName: String { Self.facilityNames[facility] }

    /// The severity's keyword (`emerg` ... `debug`).
    public var severityName: String { Self.severityNames[severity] }

    public static let facilityNames = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
        "local6", "local7",
    ]

    public static let severityNames = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
}
