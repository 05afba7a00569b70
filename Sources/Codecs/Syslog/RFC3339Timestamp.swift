/// Reads RFC 3339 timestamps (`2026-11-22T10:15:30.123456+01:00`): the
/// syslog decoder's reader, shared with sources that take such text.
public enum RFC3339Timestamp {
    /// Microseconds since the epoch (UTC), or nil unless the whole text is one timestamp.
    public static func micros(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { utf8 in
            var scanner = SyslogScanner(UnsafeRawBufferPointer(utf8))
            guard let micros = scanner.rfc3339(), scanner.atEnd else { return nil }
            return micros
        }
    }
}
