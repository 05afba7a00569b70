import Foundation
import PetrelCore

/// One log event as log topics carry it: a JSON object per record, the shape
/// Vector and Filebeat write — `timestamp` (RFC 3339, UTC, microseconds),
/// `message`, `source_type`, then the source's own fields. The record's
/// timestamp is the event's, in milliseconds. See docs/formats/log-topic.md.
public struct LogEvent: Sendable {
    public var timestampMicros: Int64
    public var message: String
    public var sourceType: String
    /// Further fields in the order they are written; string or number values.
    public var fields: [(String, Field)]

    public enum Field: Sendable {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)
    }

    public init(timestampMicros: Int64, message: String, sourceType: String, fields: [(String, Field)] = []) {
        self.timestampMicros = timestampMicros
        self.message = message
        self.sourceType = sourceType
        self.fields = fields
    }

    /// The event's JSON object.
    public func json() -> String {
        var out = JSONWriter(capacity: message.utf8.count + 96)
        out.raw("{\"timestamp\":")
        out.string(Self.rfc3339(micros: timestampMicros))
        out.raw(",\"message\":")
        out.string(message)
        out.raw(",\"source_type\":")
        out.string(sourceType)
        for (name, value) in fields {
            out.raw(",")
            out.string(name)
            out.raw(":")
            switch value {
            case .string(let s): out.string(s)
            case .int(let i): out.raw(String(i))
            case .double(let d): out.raw(d.isFinite ? String(d) : "null")
            case .bool(let b): out.raw(b ? "true" : "false")
            }
        }
        out.raw("}")
        return out.text
    }

    /// The topic record for this event, keyed by `key` when given.
    public func record(key: [UInt8]? = nil) -> Record {
        Record(timestamp: timestampMicros / 1000, key: key, value: Array(json().utf8))
    }

    /// `2026-11-22T10:15:30.123456Z`.
    public static func rfc3339(micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let micro = String(fraction)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - micro.count) + micro + "Z"
    }
}
