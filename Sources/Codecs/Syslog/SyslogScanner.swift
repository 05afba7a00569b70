/// A cursor over one syslog message's bytes with the small readers the two
/// RFC grammars need; every reader either consumes what it recognised or
/// reports failure, leaving the caller to rewind.
struct SyslogScanner {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    private(set) var end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        end = bytes.count
    }

    var atEnd: Bool { position >= end }
    var peek: UInt8? { position < end ? bytes[position] : nil }

    mutating func trimTrailingLineEnds() {
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0 { end -= 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    /// A run of 1...`maxDigits` decimal digits.
    mutating func number(maxDigits: Int) -> Int? {
        var value = 0
        var digits = 0
        while digits < maxDigits, let b = peek, b >= 0x30, b <= 0x39 {
            value = value * 10 + Int(b - 0x30)
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }

    /// Exactly `count` digits.
    mutating func fixedNumber(_ count: Int) -> Int? {
        let start = position
        guard let value = number(maxDigits: count), position - start == count else { return nil }
        return value
    }

    /// Whether a one- or two-digit version and a space come next (RFC 5424).
    var isVersion: Bool {
        var i = position
        while i < end, i - position < 2, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return i > position && i < end && bytes[i] == 0x20
    }

    mutating func expectSpace(_ place: String) throws(CodecError) {
        guard take(0x20) else { throw failure("expected a space \(place)") }
    }

    /// The RFC 5424 nil value: `-` standing alone.
    mutating func takeNil() -> Bool {
        guard peek == UInt8(ascii: "-"), position + 1 >= end || bytes[position + 1] == 0x20 else { return false }
        position += 1
        return true
    }

    /// A space-delimited RFC 5424 header field; nil for `-`.
    mutating func header(_ name: String, max: Int) throws(CodecError) -> String? {
        if takeNil() { return nil }
        let field = word()
        guard !field.isEmpty else { throw failure("empty \(name)") }
        guard field.count <= max else { throw failure("\(name) longer than \(max) bytes") }
        return String(decoding: field, as: UTF8.self)
    }

    /// The bytes up to the next space or the end.
    mutating func word() -> Slice<UnsafeRawBufferPointer> {
        let start = position
        while position < end, bytes[position] != 0x20 { position += 1 }
        return bytes[start..<position]
    }

    mutating func skipSpaces() {
        while peek == 0x20 { position += 1 }
    }

    mutating func skipBOM() {
        if end - position >= 3, bytes[position] == 0xEF, bytes[position + 1] == 0xBB, bytes[position + 2] == 0xBF {
            position += 3
        }
    }

    /// Everything left, as text (invalid UTF-8 replaced).
    mutating func rest() -> String {
        defer { position = end }
        return position < end ? String(decoding: bytes[position..<end], as: UTF8.self) : ""
    }

    func failure(_ reason: String) -> CodecError {
        CodecError(code: .syslog, message: reason, line: 1, byteOffset: position,
                   text: CodecError.excerpt(UnsafeRawBufferPointer(rebasing: bytes[0..<end])))
    }

    // MARK: Structured data

    /// One `[SD-ID PARAM="value"...]` element; `\"`, `\\` and `\]` in values are unescaped.
    mutating func structuredElement() throws(CodecError) -> SyslogMessage.Element {
        position += 1  // [
        let id = sdName()
        guard !id.isEmpty else { throw failure("bad STRUCTURED-DATA: empty SD-ID") }
        var parameters: [(name: String, value: String)] = []
        while true {
            if take(UInt8(ascii: "]")) { break }
            guard take(0x20) else { throw failure("bad STRUCTURED-DATA: expected a space or ] in [\(id)") }
            let name = sdName()
            guard !name.isEmpty else { throw failure("bad STRUCTURED-DATA: empty PARAM-NAME in [\(id)") }
            guard take(UInt8(ascii: "=")), take(UInt8(ascii: "\"")) else {
                throw failure("bad STRUCTURED-DATA: expected =\"value\" after \(name) in [\(id)")
            }
            var value: [UInt8] = []
            var closed = false
            while position < end {
                let b = bytes[position]
                position += 1
                if b == UInt8(ascii: "\"") { closed = true; break }
                if b == UInt8(ascii: "\\"), position < end {
                    let next = bytes[position]
                    if next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next == UInt8(ascii: "]") {
                        value.append(next)
                        position += 1
                        continue
                    }
                }
                value.append(b)
            }
            guard closed else { throw failure("bad STRUCTURED-DATA: unterminated value of \(name) in [\(id)") }
            parameters.append((name, String(decoding: value, as: UTF8.self)))
        }
        return SyslogMessage.Element(id: id, parameters: parameters)
    }

    /// An SD-NAME: printable US-ASCII except `=`, space, `]` and `"`.
    private mutating func sdName() -> String {
        let start = position
        while position < end {
            let b = bytes[position]
            if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: "=") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\"") {
                break
            }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    // MARK: Timestamps

    /// An RFC 3339 timestamp (`2026-11-22T10:15:30.123456+01:00`), as UTC microseconds.
    mutating func rfc3339() -> Int64? {
        guard let year = fixedNumber(4), take(UInt8(ascii: "-")), let month = fixedNumber(2),
              take(UInt8(ascii: "-")), let day = fixedNumber(2), month >= 1, month <= 12, day >= 1, day <= 31,
              take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")),
              let seconds = clock() else { return nil }
        var micros: Int64 = 0
        if take(UInt8(ascii: ".")) {
            var digits = 0
            while let b = peek, b >= 0x30, b <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int64(b - 0x30) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offset = 0
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
        } else if let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            position += 1
            guard let hours = fixedNumber(2), take(UInt8(ascii: ":")), let minutes = fixedNumber(2),
                  hours <= 23, minutes <= 59 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return nil
        }
        let epoch = CivilDate.epochSeconds(year: year, month: month, day: day) + Int64(seconds - offset)
        return epoch * 1_000_000 + micros
    }

    /// `hh:mm:ss` as seconds of the day.
    private mutating func clock() -> Int? {
        guard let h = fixedNumber(2), take(UInt8(ascii: ":")), let m = fixedNumber(2), take(UInt8(ascii: ":")),
              let s = fixedNumber(2), h <= 23, m <= 59, s <= 60 else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// The RFC 3164 `Mmm dd hh:mm:ss` (day space- or zero-padded).
    mutating func bsdTimestamp() -> (month: Int, day: Int, secondOfDay: Int)? {
        guard end - position >= 15 else { return nil }
        let name = String(decoding: bytes[position..<position + 3], as: UTF8.self)
        guard let month = Self.months.firstIndex(of: name) else { return nil }
        position += 3
        guard take(0x20) else { return nil }
        _ = take(0x20)
        guard let day = number(maxDigits: 2), day >= 1, day <= 31, take(0x20), let seconds = clock() else {
            return nil
        }
        return (month + 1, day, seconds)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    // MARK: RFC 3164 tag

    /// Whether a word after the timestamp is the tag (`su:`, `sshd[42]:`) rather than a hostname.
    static func looksLikeTag(_ word: Slice<UnsafeRawBufferPointer>) -> Bool {
        word.last == UInt8(ascii: ":") || word.contains(UInt8(ascii: "["))
    }

    /// `tag[pid]:` or `tag:` and the space after it; nil (nothing consumed
    /// that matters) when the text does not start with a tag.
    mutating func tag() -> (name: String, pid: String?)? {
        let start = position
        while position < end, position - start <= 64 {
            let b = bytes[position]
            if b == UInt8(ascii: "[") || b == UInt8(ascii: ":") || b == 0x20 { break }
            position += 1
        }
        guard position > start, position < end else { return nil }
        let tag = String(decoding: bytes[start..<position], as: UTF8.self)
        var pid: String? = nil
        if take(UInt8(ascii: "[")) {
            let pidStart = position
            while position < end, bytes[position] != UInt8(ascii: "]"), bytes[position] != 0x20 { position += 1 }
            guard take(UInt8(ascii: "]")) else { return nil }
            pid = String(decoding: bytes[pidStart..<position - 1], as: UTF8.self)
        }
        guard take(UInt8(ascii: ":")) || pid != nil else { return nil }
        _ = take(0x20)
        return (tag, pid)
    }
}

/// Proleptic Gregorian calendar arithmetic in UTC, without Foundation.
enum CivilDate {
    /// Seconds from 1970-01-01 to midnight of the date.
    static func epochSeconds(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468) * 86_400
    }

    /// The UTC year that contains the instant.
    static func year(ofEpochSeconds seconds: Int64) -> Int {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400) + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        return yearOfEra + era * 400 + (monthIndex >= 10 ? 1 : 0)
    }
}
