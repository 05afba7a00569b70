/// DogStatsD's non-metric lines: events and service checks. They are checked
/// (so a client's events are not reported as malformed metrics) but carry no
/// number to aggregate; the caller decides what to do with them.
extension StatsDDecoder {
    /// Checks an event, `_e{<title length>,<text length>}:<title>|<text>[|d:ts][|h:host][|k:key][|p:priority]`
    /// `[|s:source][|t:alert type][|#tags]`: the lengths (UTF-8 bytes) must match the line.
    static func decodeEvent(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<Void, StatsDFailure> {
        var i = start + 3
        var titleLength = 0, textLength = 0
        guard readLength(p, &i, end, &titleLength), i < end, p[i] == comma else { return .failure(.badEvent) }
        i += 1
        guard readLength(p, &i, end, &textLength), i + 1 < end, p[i] == UInt8(ascii: "}"), p[i + 1] == colon
        else { return .failure(.badEvent) }
        let title = i + 2
        guard titleLength > 0, title + titleLength < end, p[title + titleLength] == bar else { return .failure(.badEvent) }
        let text = title + titleLength + 1
        guard text + textLength <= end, text + textLength == end || p[text + textLength] == bar
        else { return .failure(.badEvent) }
        return sections(p, text + textLength, end, allowed: "dhkpst") ? .success(()) : .failure(.badEvent)
    }

    /// Checks a service check, `_sc|<name>|<status 0-3>[|d:ts][|h:host][|#tags][|m:message]`.
    static func decodeServiceCheck(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<Void, StatsDFailure> {
        var i = start + 4
        let name = i
        while i < end && p[i] != bar { i += 1 }
        guard i > name, i + 1 < end else { return .failure(.badServiceCheck) }
        let status = p[i + 1]
        guard status >= UInt8(ascii: "0"), status <= UInt8(ascii: "3"), i + 2 == end || p[i + 2] == bar
        else { return .failure(.badServiceCheck) }
        return sections(p, i + 2, end, allowed: "dhm") ? .success(()) : .failure(.badServiceCheck)
    }

    /// Reads a decimal length of at most 6 digits at `i`.
    private static func readLength(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, _ value: inout Int) -> Bool {
        let first = i
        while i < end, i - first < 6, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") {
            value = value * 10 + Int(p[i] - UInt8(ascii: "0"))
            i += 1
        }
        return i > first
    }

    /// Whether `p[from..<end]` is empty or `|x:...` sections with `x` in
    /// `allowed`, or `|#tags`. A message (`m:`) is last and may hold bars.
    private static func sections(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int, allowed: StaticString) -> Bool {
        var i = from
        while i < end {
            guard p[i] == bar, i + 1 < end else { return false }
            let head = p[i + 1]
            if head == UInt8(ascii: "m") && i + 2 < end && p[i + 2] == colon { return true }
            if head != UInt8(ascii: "#") {
                var known = false
                allowed.withUTF8Buffer { known = $0.contains(head) }
                guard known, i + 2 < end, p[i + 2] == colon else { return false }
            }
            i += 2
            while i < end && p[i] != bar { i += 1 }
        }
        return true
    }
}
