import Testing
@testable import Codecs

/// 2026-11-22T12:00:00Z, the "now" RFC 3164 years are inferred from.
private let now: Int64 = 1_795_348_800_000_000

private func parse(_ text: String, now: Int64 = now) throws -> SyslogMessage {
    try SyslogParser(nowMicros: now).parse(Array(text.utf8))
}

@Suite struct SyslogParserTests {
    @Test("an RFC 5424 message with structured data decodes every header field")
    func rfc5424Full() throws {
        let m = try parse(#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 42 ID47 "#
                          + #"[exampleSDID@32473 iut="3" eventSource="Application"][examplePriority@32473 class="high"] "#
                          + "\u{FEFF}An application event log entry...\n")
        #expect(m.format == .rfc5424)
        #expect(m.facilityName == "local4")
        #expect(m.severityName == "notice")
        #expect(m.version == 1)
        #expect(m.timestampMicros == 1_065_910_455_003_000)
        #expect(m.hostname == "mymachine.example.com")
        #expect(m.appname == "evntslog")
        #expect(m.procid == "42")
        #expect(m.msgid == "ID47")
        #expect(m.structuredData == [
            .init(id: "exampleSDID@32473", parameters: [("iut", "3"), ("eventSource", "Application")]),
            .init(id: "examplePriority@32473", parameters: [("class", "high")]),
        ])
        #expect(m.message == "An application event log entry...")
    }

    @Test("RFC 5424 nil values are absent and a message may be missing")
    func rfc5424Nil() throws {
        let m = try parse("<34>1 - - - - - -")
        #expect(m.facilityName == "auth")
        #expect(m.severityName == "crit")
        #expect(m.timestampMicros == nil)
        #expect(m.hostname == nil && m.appname == nil && m.procid == nil && m.msgid == nil)
        #expect(m.structuredData.isEmpty)
        #expect(m.message == "")
    }

    @Test("structured data values resolve \\\", \\\\ and \\] escapes")
    func structuredDataEscapes() throws {
        let m = try parse(#"<14>1 2026-01-02T03:04:05+02:00 h a p m [x@1 q="say \"hi\" \\ [ok\]"] text"#)
        #expect(m.structuredData.first?.parameters.first?.value == #"say "hi" \ [ok]"#)
        #expect(m.timestampMicros == 1_767_315_845_000_000)
        #expect(m.message == "text")
    }

    @Test("malformed RFC 5424 headers and PRI values are errors naming the problem")
    func rfc5424Errors() {
        for (text, reason) in [
            ("no pri at all", "missing <PRI>"),
            ("<999>1 - - - - - -", "bad <PRI>"),
            ("<13>1 2026-13-01T00:00:00Z h a p m - x", "bad TIMESTAMP"),
            ("<13>1 - h a p m [unterminated x=\"y", "bad STRUCTURED-DATA"),
            ("<13>1 - h a p m nodata", "bad STRUCTURED-DATA"),
        ] {
            #expect {
                try parse(text)
            } throws: { error in
                (error as? CodecError)?.message.contains(reason) == true && (error as? CodecError)?.code == .syslog
            }
        }
    }

    @Test("an RFC 3164 message gets host, tag, pid and the current year")
    func rfc3164() throws {
        let m = try parse("<38>Nov 22 11:59:00 web-1 sshd[4242]: Accepted publickey for root\n")
        #expect(m.format == .rfc3164)
        #expect(m.facilityName == "auth")
        #expect(m.severityName == "info")
        #expect(m.hostname == "web-1")
        #expect(m.appname == "sshd")
        #expect(m.procid == "4242")
        #expect(m.message == "Accepted publickey for root")
        #expect(m.timestampMicros == now - 60_000_000)
        #expect(m.version == nil)
    }

    @Test("an RFC 3164 date in the future belongs to the previous year")
    func rfc3164PreviousYear() throws {
        let january: Int64 = 1_798_761_600_000_000  // 2027-01-01T00:00:00Z
        let m = try parse("<13>Dec 31 23:59:59 host app: last of the year", now: january + 60_000_000)
        #expect(m.timestampMicros == january - 1_000_000)
    }

    @Test("an RFC 3164 message without a hostname, or with a space-padded day, still decodes")
    func rfc3164Lenient() throws {
        let noHost = try parse("<13>Nov  2 10:00:00 su: 'su root' failed")
        #expect(noHost.hostname == nil)
        #expect(noHost.appname == "su")
        #expect(noHost.message == "'su root' failed")
        let bare = try parse("<13>just some text")
        #expect(bare.message == "just some text")
        #expect(bare.timestampMicros == nil)
        let noTag = try parse("<13>Nov 22 10:00:00 host plain message")
        #expect(noTag.hostname == "host")
        #expect(noTag.appname == nil)
        #expect(noTag.message == "plain message")
    }

    @Test("RFC 3339 text reads to microseconds, with fraction and offset")
    func rfc3339() {
        #expect(RFC3339Timestamp.micros("1970-01-01T00:00:01.5Z") == 1_500_000)
        #expect(RFC3339Timestamp.micros("2026-11-22T13:00:00+01:00") == now)
        #expect(RFC3339Timestamp.micros("2026-11-22T13:00:00") == nil)
        #expect(RFC3339Timestamp.micros("2026-11-22T12:00:00Z trailing") == nil)
    }

    @Test("random bytes never crash the decoder")
    func randomInput() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("<>0123456789 -[]=\"\\:abcNov".utf8)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<60, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            _ = try? SyslogParser(nowMicros: now).parse(bytes)
        }
    }
}

@Suite struct SyslogFramingTests {
    private func frames(_ text: String, mode: SyslogFraming.Mode = .auto, max: Int = 1024) throws -> [String] {
        let framing = SyslogFraming(mode: mode, maxMessageBytes: max)
        var bytes = Array(text.utf8)[...]
        var out: [String] = []
        while true {
            let frame = try bytes.withUnsafeBytes { raw in try framing.next(raw) ?? framing.last(raw) }
            guard let frame else { break }
            out.append(String(decoding: bytes.dropFirst(frame.start).prefix(frame.length), as: UTF8.self))
            bytes = bytes.dropFirst(frame.consumed)
        }
        return out
    }

    @Test("auto framing reads octet-counted and newline-delimited frames from one stream")
    func autoMixed() throws {
        #expect(try frames("10 <13>hello\n<13>b\r\n5 <13>c<13>tail") == ["<13>hello\n", "<13>b", "<13>c", "<13>tail"])
    }

    @Test("a partial octet-counted frame waits for more bytes")
    func partial() throws {
        let framing = SyslogFraming()
        let bytes = Array("20 <13>only part".utf8)
        #expect(try bytes.withUnsafeBytes { try framing.next($0) } == nil)
        #expect(try bytes.withUnsafeBytes { try framing.last($0) } == nil)
    }

    @Test("frames over max_message_bytes and bad counts are errors")
    func oversized() {
        #expect(throws: CodecError.self) { try frames("2000 <13>x", max: 100) }
        #expect(throws: CodecError.self) { try frames(String(repeating: "a", count: 200), mode: .newline, max: 100) }
        #expect(throws: CodecError.self) { try frames("12x <13>x", mode: .octetCounting) }
    }
}
