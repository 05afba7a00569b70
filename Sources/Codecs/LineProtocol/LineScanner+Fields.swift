extension LineScanner {
    /// Which characters a backslash escapes in each part of a line. Before any
    /// other character a backslash stays literal.
    enum Escapable {
        /// Measurement names: `\,` and `\ `.
        case measurement
        /// Tag keys and values: `\,`, `\ ` and `\=`.
        case tag
        /// Field keys: `\,`, `\ `, `\=` and `\"`.
        case fieldKey
        /// String field values: `\"` and `\\`.
        case stringValue

        @inline(__always)
        func escapes(_ c: UInt8) -> Bool {
            switch self {
            case .measurement: c == LineScanner.comma || c == LineScanner.space
            case .tag: c == LineScanner.comma || c == LineScanner.space || c == LineScanner.equals
            case .fieldKey:
                c == LineScanner.comma || c == LineScanner.space || c == LineScanner.equals || c == LineScanner.quote
            case .stringValue: c == LineScanner.quote || c == LineScanner.backslash
            }
        }
    }

    /// Returns `bytes` unescaped: the same view when it has no backslash, otherwise
    /// a copy in the scratch byte area at `cursor` (which moves past it).
    func unescape(_ bytes: UnsafeRawBufferPointer, escapable: Escapable, cursor: inout Int) -> UnsafeRawBufferPointer {
        guard let start = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
              ByteSearch.contains(LineScanner.backslash, in: start, from: 0, to: bytes.count) else { return bytes }
        let out = scratch.bytes + cursor
        var written = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let c = start[i]
            if c == LineScanner.backslash && i + 1 < n && escapable.escapes(start[i + 1]) {
                out[written] = start[i + 1]
                i += 2
            } else {
                out[written] = c
                i += 1
            }
            written += 1
        }
        cursor += written
        return UnsafeRawBufferPointer(start: out, count: written)
    }

    /// InfluxDB's `scanFields` from `from` (the blank after the key) to the blank
    /// before the timestamp, storing each field it validates. Returns the number of
    /// fields and where the section ended.
    mutating func scanFields(from: Int, end e: Int, hasEscapes: Bool,
                             cursor: inout Int) -> Result<(count: Int, end: Int), LineFailure> {
        let p = base
        var i = from
        while i < e && LineScanner.isBlank(p[i]) { i += 1 }
        let fields = scratch.fields
        var quoted = false
        var equalsSeen = 0, commasSeen = 0
        var keyStart = i
        var count = 0
        // A string value is open from its '"' until the next counted comma or the end.
        var openString = -1

        while i < e {
            // Ordinary bytes (most of every key) change no state: skip them in bulk.
            while i < e && !LineScanner.isFieldSpecial(p[i]) { i += 1 }
            if i >= e { break }
            let c = p[i]
            if c == LineScanner.backslash && i + 1 < e {
                i += 2
                continue
            }
            if c == LineScanner.quote && equalsSeen > commasSeen {
                quoted.toggle()
                i += 1
                continue
            }
            if c == LineScanner.equals && !quoted {
                equalsSeen += 1
                if p[i - 1] == LineScanner.space && p[i - 2] != LineScanner.backslash { return .failure(.missingFieldKey) }
                if p[i - 1] == LineScanner.comma && p[i - 2] != LineScanner.backslash { return .failure(.missingFieldKey) }
                if i + 1 >= e { return .failure(.missingFieldValue) }
                let next = p[i + 1]
                if next == LineScanner.comma || next == LineScanner.space { return .failure(.missingFieldValue) }
                closeString(&openString, at: keyStart, field: count - 1, hasEscapes: hasEscapes, cursor: &cursor)
                if count == options.maxFields { return .failure(.tooManyFields(options.maxFields)) }
                var key = view(keyStart, i)
                if hasEscapes { key = unescape(key, escapable: .fieldKey, cursor: &cursor) }
                let rawKeyLength = i - keyStart
                if NumberScanner.startsNumber(next) || next == UInt8(ascii: "-") || next == UInt8(ascii: "N")
                    || next == UInt8(ascii: "n") {
                    switch NumberScanner.scan(p, from: i + 1, lineEnd: e, allowUnsigned: options.allowUnsigned) {
                    case .success(let (value, valueEnd)):
                        fields[count] = FieldSlot(key: key, rawKeyLength: rawKeyLength, value: value)
                        count += 1
                        i = valueEnd
                        continue
                    case .failure(let failure):
                        return .failure(failure)
                    }
                }
                if next != LineScanner.quote {
                    switch NumberScanner.scanBoolean(p, from: i + 1, lineEnd: e) {
                    case .success(let (value, valueEnd)):
                        fields[count] = FieldSlot(key: key, rawKeyLength: rawKeyLength, value: .boolean(value))
                        count += 1
                        i = valueEnd
                        continue
                    case .failure(let failure):
                        return .failure(failure)
                    }
                }
                fields[count] = FieldSlot(key: key, rawKeyLength: rawKeyLength, value: .string(view(i, i)))
                count += 1
                openString = i + 1
            }
            if c == LineScanner.comma && !quoted {
                commasSeen += 1
                closeString(&openString, at: i, field: count - 1, hasEscapes: hasEscapes, cursor: &cursor)
                keyStart = i + 1
            }
            if c == LineScanner.space && !quoted { break }
            i += 1
        }
        if quoted { return .failure(.unbalancedQuotes) }
        if equalsSeen == 0 || commasSeen != equalsSeen - 1 { return .failure(.invalidFieldFormat) }
        closeString(&openString, at: i, field: count - 1, hasEscapes: hasEscapes, cursor: &cursor)
        return .success((count, i))
    }
}

extension LineScanner {
    /// Ends the string value open since `openString` at `end`: like InfluxDB, its
    /// content is the value minus its first and last byte, then unescaped.
    @inline(__always)
    func closeString(_ openString: inout Int, at end: Int, field: Int, hasEscapes: Bool, cursor: inout Int) {
        guard openString >= 0 else { return }
        let inner = end - openString >= 2 ? view(openString + 1, end - 1) : view(openString, openString)
        let content = hasEscapes ? unescape(inner, escapable: .stringValue, cursor: &cursor) : inner
        scratch.fields[field].value = .string(content)
        openString = -1
    }
}

/// Sorts tag slots by raw key without allocating: insertion sort for the short
/// lists clients send, heapsort beyond that so a hostile line stays O(n log n).
enum TagSort {
    static func sort(_ tags: UnsafeMutablePointer<TagSlot>, count: Int) {
        @inline(__always) func less(_ a: Int, _ b: Int) -> Bool {
            ByteSearch.compare(tags[a].rawKey, tags[b].rawKey) < 0
        }
        if count <= 16 {
            for i in 1..<max(count, 1) {
                var j = i
                while j > 0 && less(j, j - 1) {
                    swap(&tags[j], &tags[j - 1])
                    j -= 1
                }
            }
            return
        }
        func siftDown(_ root: Int, _ end: Int) {
            var root = root
            while true {
                var child = 2 * root + 1
                if child >= end { return }
                if child + 1 < end && less(child, child + 1) { child += 1 }
                if !less(root, child) { return }
                swap(&tags[root], &tags[child])
                root = child
            }
        }
        var start = count / 2 - 1
        while start >= 0 { siftDown(start, count); start -= 1 }
        var end = count - 1
        while end > 0 {
            swap(&tags[0], &tags[end])
            siftDown(0, end)
            end -= 1
        }
    }
}
