import Codecs
import PetrelCore

/// Splits one CSV line into fields: `delimiter`-separated, fields may be
/// double-quoted with `""` for a quote inside. Quoted fields spanning lines
/// are not supported (one record per line).
enum CSVLine {
    static func split(_ line: Substring, delimiter: Character = ",") -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = chars.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                } else {
                    field.append(c)
                }
            } else if c == delimiter {
                fields.append(field)
                field = ""
                afterQuote = false
            } else if c == "\"" && field.isEmpty && !afterQuote {
                quoted = true
            } else {
                field.append(c)
            }
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }
}

/// How `csv` rows become metrics or events: which column is the time, which are tags.
struct CSVRowMapper: Sendable {
    enum TimestampFormat: String, Sendable, CaseIterable {
        case unix, unixMs = "unix_ms", rfc3339
    }

    /// One row, mapped.
    struct Row {
        /// Nanoseconds since the epoch; nil without a timestamp column.
        var timestampNanos: Int64?
        var tags: [(String, String)]
        var numbers: [(String, Double)]
        /// Every column but the timestamp, typed (for events).
        var fields: [(String, LogEvent.Field)]
    }

    let columns: [String]
    let timestampColumn: Int?
    let timestampFormat: TimestampFormat
    let tagColumns: Set<Int>

    /// Maps `values` (one per column) or says what is wrong with them.
    func map(_ values: [String]) -> Result<Row, RowError> {
        guard values.count == columns.count else {
            return .failure(RowError("expected \(columns.count) columns, found \(values.count)"))
        }
        var row = Row(timestampNanos: nil, tags: [], numbers: [], fields: [])
        for (i, value) in values.enumerated() {
            let name = columns[i]
            if i == timestampColumn {
                guard let nanos = parseTimestamp(value) else {
                    return .failure(RowError("bad \(timestampFormat.rawValue) timestamp \"\(value)\" in column \(name)"))
                }
                row.timestampNanos = nanos
            } else if tagColumns.contains(i) {
                row.tags.append((name, value))
                row.fields.append((name, .string(value)))
            } else if let int = Int64(value) {
                row.numbers.append((name, Double(int)))
                row.fields.append((name, .int(int)))
            } else if let double = Double(value), double.isFinite {
                row.numbers.append((name, double))
                row.fields.append((name, .double(double)))
            } else if !value.isEmpty {
                row.fields.append((name, .string(value)))
            }
        }
        return .success(row)
    }

    func parseTimestamp(_ text: String) -> Int64? {
        switch timestampFormat {
        case .unix:
            if let s = Int64(text), abs(s) < 1 << 33 { return s * 1_000_000_000 }
            if let s = Double(text), s.isFinite, abs(s) < 1e10 { return Int64((s * 1e9).rounded()) }
            return nil
        case .unixMs:
            if let ms = Int64(text), abs(ms) < 1 << 43 { return ms * 1_000_000 }
            return nil
        case .rfc3339:
            return RFC3339Timestamp.micros(text).map { $0 * 1000 }
        }
    }

    struct RowError: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
