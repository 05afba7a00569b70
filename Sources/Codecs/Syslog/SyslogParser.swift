/// Decodes one syslog message (one UDP datagram or one TCP frame) in either
/// RFC 5424 (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`) or RFC 3164
/// (`<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`) form, deciding by what follows
/// the `<PRI>`.
///
/// RFC 3164 is a description of practice rather than a grammar, so that side
/// is lenient: a missing hostname, a missing tag, or no timestamp at all are
/// accepted (a relay would add them). RFC 3164 timestamps carry no year and
/// no zone: they are read as UTC, in the current year, or in the previous one
/// when that date would lie more than a day in the future (a December message
/// read in January). Only a missing or bad `<PRI>` and a malformed RFC 5424
/// header are errors.
public struct SyslogParser: Sendable {
    /// "Now", microseconds since the epoch: the year RFC 3164 dates fall in.
    public var nowMicros: Int64

    public init(nowMicros: Int64) {
        self.nowMicros = nowMicros
    }

    public func parse(_ bytes: [UInt8]) throws(CodecError) -> SyslogMessage {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(CodecError) in try parse(raw) } }
        return try result.get()
    }

    public func parse(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> SyslogMessage {
        var scanner = SyslogScanner(bytes)
        scanner.trimTrailingLineEnds()
        guard scanner.take(UInt8(ascii: "<")) else { throw scanner.failure("missing <PRI> at the start") }
        guard let pri = scanner.number(maxDigits: 3), pri <= 191, scanner.take(UInt8(ascii: ">")) else {
            throw scanner.failure("bad <PRI>: expected <0> to <191>")
        }
        let (facility, severity) = (pri / 8, pri % 8)
        if let digit = scanner.peek, digit >= UInt8(ascii: "1"), digit <= UInt8(ascii: "9"),
           scanner.isVersion {
            return try parse5424(&scanner, facility: facility, severity: severity)
        }
        return parse3164(&scanner, facility: facility, severity: severity)
    }

    // MARK: RFC 5424

    private func parse5424(_ s: inout SyslogScanner, facility: Int, severity: Int) throws(CodecError)
        -> SyslogMessage {
        let version = s.number(maxDigits: 2) ?? 1
        try s.expectSpace("after the version")
        var timestamp: Int64? = nil
        if !s.takeNil() {
            let start = s.position
            guard let micros = s.rfc3339() else {
                s.position = start
                throw s.failure("bad TIMESTAMP: expected RFC 3339 such as 2026-11-22T10:15:30.123Z or -")
            }
            timestamp = micros
        }
        try s.expectSpace("after TIMESTAMP")
        let hostname = try s.header("HOSTNAME", max: 255)
        try s.expectSpace("after HOSTNAME")
        let appname = try s.header("APP-NAME", max: 48)
        try s.expectSpace("after APP-NAME")
        let procid = try s.header("PROCID", max: 128)
        try s.expectSpace("after PROCID")
        let msgid = try s.header("MSGID", max: 32)
        try s.expectSpace("after MSGID")
        var elements: [SyslogMessage.Element] = []
        if !s.takeNil() {
            guard s.peek == UInt8(ascii: "[") else { throw s.failure("bad STRUCTURED-DATA: expected [ or -") }
            while s.peek == UInt8(ascii: "[") { elements.append(try s.structuredElement()) }
        }
        var message = ""
        if !s.atEnd {
            try s.expectSpace("before MSG")
            s.skipBOM()
            message = s.rest()
        }
        return SyslogMessage(format: .rfc5424, facility: facility, severity: severity, version: version,
                             timestampMicros: timestamp, hostname: hostname, appname: appname, procid: procid,
                             msgid: msgid, structuredData: elements, message: message)
    }

    // MARK: RFC 3164

    private func parse3164(_ s: inout SyslogScanner, facility: Int, severity: Int) -> SyslogMessage {
        var result = SyslogMessage(format: .rfc3164, facility: facility, severity: severity, message: "")
        let start = s.position
        if let stamp = s.bsdTimestamp() {
            result.timestampMicros = inferYear(month: stamp.month, day: stamp.day, secondOfDay: stamp.secondOfDay)
        } else {
            s.position = start
            if let micros = s.rfc3339() { result.timestampMicros = micros } else { s.position = start }
        }
        if result.timestampMicros != nil {
            guard s.take(UInt8(ascii: " ")) else {
                result.message = s.rest()
                return result
            }
            // host, then tag; a first word that looks like a tag means no host.
            let first = s.word()
            if !SyslogScanner.looksLikeTag(first) {
                result.hostname = first.isEmpty ? nil : String(decoding: first, as: UTF8.self)
                s.skipSpaces()
            } else {
                s.position -= first.count
            }
        }
        let beforeTag = s.position
        if let tag = s.tag() {
            result.appname = tag.name
            result.procid = tag.pid
        } else {
            s.position = beforeTag
        }
        result.message = s.rest()
        return result
    }

    /// The RFC 3164 date in the current UTC year, or the previous one when it
    /// would be more than a day ahead of now.
    func inferYear(month: Int, day: Int, secondOfDay: Int) -> Int64 {
        let nowSeconds = nowMicros >= 0 ? nowMicros / 1_000_000 : (nowMicros - 999_999) / 1_000_000
        let year = CivilDate.year(ofEpochSeconds: nowSeconds)
        var seconds = CivilDate.epochSeconds(year: year, month: month, day: day) + Int64(secondOfDay)
        if seconds > nowSeconds + 86_400 {
            seconds = CivilDate.epochSeconds(year: year - 1, month: month, day: day) + Int64(secondOfDay)
        }
        return seconds * 1_000_000
    }
}
