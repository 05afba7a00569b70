import Codecs
import PetrelCore

/// Turns decoded syslog messages into log events: the `syslog` source's
/// field names (Vector's), kept apart from the socket code so they are tested alone.
struct SyslogEventBuilder: Sendable {
    let timeSource: any TimeSource

    /// The event for one received message: decoded, or — when it cannot be
    /// decoded — the raw text as `message` plus the reason, for the caller to count.
    func event(_ bytes: UnsafeRawBufferPointer, peer: String?) -> (LogEvent, CodecError?) {
        let now = timeSource.nowNanos() / 1000
        do throws(CodecError) {
            let message = try SyslogParser(nowMicros: now).parse(bytes)
            return (event(message, peer: peer, receivedMicros: now), nil)
        } catch {
            var raw = LogEvent(timestampMicros: now, message: Self.rawText(bytes), sourceType: "syslog")
            if let peer { raw.fields.append(("source_ip", .string(peer))) }
            return (raw, error)
        }
    }

    func event(_ m: SyslogMessage, peer: String?, receivedMicros: Int64) -> LogEvent {
        var fields: [(String, LogEvent.Field)] = []
        fields.reserveCapacity(10 + m.structuredData.count * 2)
        if let v = m.hostname { fields.append(("hostname", .string(v))) }
        if let v = m.appname { fields.append(("appname", .string(v))) }
        if let v = m.procid { fields.append(("procid", .string(v))) }
        if let v = m.msgid { fields.append(("msgid", .string(v))) }
        fields.append(("facility", .string(m.facilityName)))
        fields.append(("severity", .string(m.severityName)))
        if let v = m.version { fields.append(("version", .int(Int64(v)))) }
        for element in m.structuredData {
            for (name, value) in element.parameters {
                fields.append(("sd.\(element.id).\(name)", .string(value)))
            }
        }
        if let peer { fields.append(("source_ip", .string(peer))) }
        return LogEvent(timestampMicros: m.timestampMicros ?? receivedMicros, message: m.message,
                        sourceType: "syslog", fields: fields)
    }

    /// An undecodable message as text, without its trailing line end.
    static func rawText(_ bytes: UnsafeRawBufferPointer) -> String {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0 { end -= 1 }
        return String(decoding: bytes[0..<end], as: UTF8.self)
    }
}
