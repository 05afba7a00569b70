/// The per-line state machine of `LineProtocolParser`: it follows InfluxDB 1.x's
/// `models/points.go` rule for rule (scanMeasurement, scanTags, scanFields,
/// scanNumber, scanBoolean, scanTime), so it accepts and rejects the same lines,
/// while recording tags and fields into reused scratch slots.
///
/// All positions are absolute indices into the body at `base`.
struct LineScanner {
    let base: UnsafePointer<UInt8>
    let scratch: LineScratch
    let options: LineProtocolOptions
    let precision: Precision
    let defaultTimestamp: Int64

    init(base: UnsafePointer<UInt8>, scratch: LineScratch, options: LineProtocolOptions,
         precision: Precision, defaultTimestamp: Int64) {
        self.base = base
        self.scratch = scratch
        self.options = options
        self.precision = precision
        self.defaultTimestamp = defaultTimestamp
    }

    static let space = UInt8(ascii: " ")
    static let comma = UInt8(ascii: ",")
    static let equals = UInt8(ascii: "=")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let newline = UInt8(ascii: "\n")

    /// Bytes that can end or escape a name in the key: space, comma, equals sign.
    /// Every other byte is skipped in bulk; the rules only look at these.
    @inline(__always)
    static func isKeySpecial(_ c: UInt8) -> Bool {
        c < 64 && (0x2000_1001_0000_0000 as UInt64) >> UInt64(c) & 1 != 0
    }

    /// Bytes the field scanner must look at: space, quote, comma, equals, backslash.
    @inline(__always)
    static func isFieldSpecial(_ c: UInt8) -> Bool {
        c < 64 ? (0x2000_1005_0000_0000 as UInt64) >> UInt64(c) & 1 != 0 : c == backslash
    }

    /// InfluxDB's `skipWhitespace`: spaces, tabs and NUL bytes.
    @inline(__always)
    static func isBlank(_ c: UInt8) -> Bool { c == space || c == UInt8(ascii: "\t") || c == 0 }

    /// InfluxDB's `scanLine`: where the line starting at `from` ends. A newline inside
    /// a quoted field value, or right after a backslash, does not end the line.
    static func endOfLine(_ p: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        var i = from
        var quoted = false, inFields = false
        var equalsSeen = 0, commasSeen = 0
        while i < count {
            let c = p[i]
            if c == backslash && i + 2 < count {
                i += 2
                continue
            }
            if c == space { inFields = true }
            if inFields {
                if !quoted && c == equals {
                    i += 1; equalsSeen += 1; continue
                } else if !quoted && c == comma {
                    i += 1; commasSeen += 1; continue
                } else if c == quote && equalsSeen > commasSeen {
                    i += 1; quoted.toggle(); continue
                }
            }
            if c == newline && !quoted { break }
            i += 1
        }
        return i
    }

    @inline(__always)
    func view(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// Parses the line `base[start..<end]` (no leading blanks, no line ending).
    mutating func parseLine(start: Int, end: Int, hasEscapes: Bool, lineNumber: Int,
                            byteOffset: Int) -> Result<ParsedLine, LineFailure> {
        if hasEscapes { scratch.reserveBytes(end - start) }
        var unescapeCursor = 0
        let p = base
        let e = end

        // Measurement (scanMeasurement): anything up to an unescaped comma or space.
        var i = start
        if i >= e || p[i] == LineScanner.comma { return .failure(.missingMeasurement) }
        var hasTags = false
        while true {
            i += 1
            while i < e && !LineScanner.isKeySpecial(p[i]) { i += 1 }
            if i >= e { return .failure(.missingFields) }
            if p[i - 1] == LineScanner.backslash { continue }
            if p[i] == LineScanner.comma { hasTags = true; break }
            if p[i] == LineScanner.space { break }
        }
        var measurement = view(start, i)
        if hasEscapes {
            measurement = unescape(measurement, escapable: .measurement, cursor: &unescapeCursor)
        }

        // Tags (scanTags, scanTagsKey, scanTagsValue).
        var tagCount = 0
        if hasTags {
            i += 1
            let tags = scratch.tags
            tagLoop: while true {
                if tagCount == options.maxTags { return .failure(.tooManyTags(options.maxTags)) }
                let keyStart = i
                if i >= e || p[i] == LineScanner.space || p[i] == LineScanner.comma || p[i] == LineScanner.equals {
                    return .failure(.missingTagKey)
                }
                while true {
                    i += 1
                    while i < e && !LineScanner.isKeySpecial(p[i]) { i += 1 }
                    if i >= e { return .failure(.missingTagValue) }
                    let c = p[i]
                    if (c == LineScanner.space || c == LineScanner.comma) && p[i - 1] != LineScanner.backslash {
                        return .failure(.missingTagValue)
                    }
                    if c == LineScanner.equals && p[i - 1] != LineScanner.backslash { break }
                }
                let keyEnd = i
                i += 1
                let valueStart = i
                if i >= e || p[i] == LineScanner.comma || p[i] == LineScanner.space {
                    return .failure(.missingTagValue)
                }
                while true {
                    i += 1
                    while i < e && !LineScanner.isKeySpecial(p[i]) { i += 1 }
                    if i >= e { return .failure(.missingFields) }
                    let c = p[i]
                    if c == LineScanner.equals && p[i - 1] != LineScanner.backslash {
                        return .failure(.invalidTagFormat)
                    }
                    if c == LineScanner.comma && p[i - 1] != LineScanner.backslash {
                        tags[tagCount] = TagSlot(rawKey: view(keyStart, keyEnd), key: view(keyStart, keyEnd),
                                                 value: view(valueStart, i))
                        tagCount += 1
                        i += 1
                        continue tagLoop
                    }
                    if c == LineScanner.space && p[i - 1] != LineScanner.backslash {
                        tags[tagCount] = TagSlot(rawKey: view(keyStart, keyEnd), key: view(keyStart, keyEnd),
                                                 value: view(valueStart, i))
                        tagCount += 1
                        break tagLoop
                    }
                }
            }
            if let failure = sortAndCheckTags(count: tagCount) { return .failure(failure) }
            if hasEscapes {
                for t in 0..<tagCount {
                    tags[t].key = unescape(tags[t].rawKey, escapable: .tag, cursor: &unescapeCursor)
                    tags[t].value = unescape(tags[t].value, escapable: .tag, cursor: &unescapeCursor)
                }
            }
        }
        let keyLength = i - start
        if keyLength > LineProtocolOptions.maxKeyLength { return .failure(.maxKeyLength(keyLength)) }

        // Fields (scanFields), recording each field as its '=' is met.
        let fieldCount: Int
        switch scanFields(from: i, end: e, hasEscapes: hasEscapes, cursor: &unescapeCursor) {
        case .success(let result):
            fieldCount = result.count
            i = result.end
        case .failure(let failure):
            return .failure(failure)
        }
        let fields = scratch.fields
        for f in 0..<fieldCount {
            let size = keyLength + 4 + fields[f].rawKeyLength  // InfluxDB stores "key#!~#field"
            if size > LineProtocolOptions.maxKeyLength { return .failure(.maxKeyLength(size)) }
        }

        // Timestamp (scanTime), then nothing but spaces may follow it.
        while i < e && LineScanner.isBlank(p[i]) { i += 1 }
        let timestampStart = i
        while i < e {
            let c = p[i]
            if c == LineScanner.newline || c == LineScanner.space { break }
            if i == timestampStart && c == UInt8(ascii: "-") { i += 1; continue }
            if c < UInt8(ascii: "0") || c > UInt8(ascii: "9") { return .failure(.badTimestamp) }
            i += 1
        }
        var timestamp = defaultTimestamp
        let hasTimestamp = i > timestampStart
        if hasTimestamp {
            guard let value = NumberScanner.parseInt64(p, timestampStart, i) else {
                let digits = i - timestampStart - (p[timestampStart] == UInt8(ascii: "-") ? 1 : 0)
                return .failure(.timestampUnparsable(start: timestampStart, end: i, outOfRange: digits > 0))
            }
            guard let nanos = precision.nanoseconds(value) else { return .failure(.timeOutOfRange) }
            timestamp = nanos
            while i < e {
                if p[i] != LineScanner.space { return .failure(.invalidPoint) }
                i += 1
            }
        }

        return .success(ParsedLine(
            measurement: measurement, tagCount: tagCount, fieldCount: fieldCount,
            timestampNanos: timestamp, hasTimestamp: hasTimestamp, lineNumber: lineNumber,
            byteOffset: byteOffset, raw: view(start, end),
            tags: UnsafePointer(scratch.tags), fields: UnsafePointer(scratch.fields)))
    }

    /// InfluxDB keeps a series' tags sorted and refuses a repeated tag key. Sorted
    /// input (what clients send) costs one comparison per tag.
    func sortAndCheckTags(count: Int) -> LineFailure? {
        guard count > 1 else { return nil }
        let tags = scratch.tags
        var sorted = true
        for t in 1..<count {
            let c = ByteSearch.compare(tags[t - 1].rawKey, tags[t].rawKey)
            if c == 0 { return .duplicateTags }
            if c > 0 { sorted = false; break }
        }
        if sorted { return nil }
        TagSort.sort(tags, count: count)
        for t in 1..<count where ByteSearch.compare(tags[t - 1].rawKey, tags[t].rawKey) == 0 {
            return .duplicateTags
        }
        return nil
    }
}
