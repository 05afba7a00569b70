/// Parses InfluxDB line protocol (`measurement,tag=v field=1 1700000000000000000`)
/// the way InfluxDB 1.x does, without allocating per line: the ingest hot path.
///
/// A parser owns scratch memory that every line reuses, and hands each valid line
/// to the caller as a borrowed `ParsedLine`. Bad lines are skipped and reported in
/// the `ParseSummary`; good lines around them are still delivered. Keep one parser
/// per task: copies share the scratch memory.
public struct LineProtocolParser {
    public let options: LineProtocolOptions
    let scratch: LineScratch

    public init(options: LineProtocolOptions = .init()) {
        self.options = options
        self.scratch = LineScratch(options: options)
    }

    /// Calls `body` for every valid line of `input` in order; invalid lines are
    /// skipped and reported. If `body` throws, parsing stops and the error is rethrown.
    ///
    /// - Parameters:
    ///   - precision: the unit of the timestamps in the body.
    ///   - defaultTimestamp: nanoseconds since the epoch for lines without a
    ///     timestamp (InfluxDB rounds it down to `precision`, and so does this).
    public mutating func parse(
        _ input: UnsafeRawBufferPointer, precision: Precision = .nanoseconds, defaultTimestamp: Int64,
        _ body: (ParsedLine) throws -> Void
    ) rethrows -> ParseSummary {
        var summary = ParseSummary()
        guard let raw = input.baseAddress, input.count > 0 else { return summary }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let count = input.count
        var scanner = LineScanner(base: base, scratch: scratch, options: options,
                                  precision: precision, defaultTimestamp: precision.truncate(defaultTimestamp))
        var position = 0
        var lineNumber = 1
        while position < count {
            let blockStart = position
            var blockEnd: Int
            var hasEscapes = false
            let newline = ByteSearch.first(UInt8(ascii: "\n"), in: base, from: position, to: count) ?? count
            if ByteSearch.contains(UInt8(ascii: "\\"), in: base, from: position, to: newline)
                || ByteSearch.contains(UInt8(ascii: "\""), in: base, from: position, to: newline) {
                // Quoted strings and escapes can hide a newline: split the slow, exact way.
                hasEscapes = true
                blockEnd = LineScanner.endOfLine(base, from: position, count: count)
            } else {
                blockEnd = newline
            }
            let thisLine = lineNumber
            if blockEnd == newline {
                lineNumber += 1
            } else {
                var i = blockStart
                while let nl = ByteSearch.first(UInt8(ascii: "\n"), in: base, from: i, to: min(blockEnd + 1, count)) {
                    lineNumber += 1
                    i = nl + 1
                }
            }
            position = blockEnd + 1

            var start = blockStart
            while start < blockEnd && LineScanner.isBlank(base[start]) { start += 1 }
            if start >= blockEnd || base[start] == UInt8(ascii: "#") { continue }
            var end = blockEnd
            // A line still inside quotes at the end of the body keeps its final newline; drop it.
            if base[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            if options.stripCarriageReturn && base[end - 1] == UInt8(ascii: "\r") {
                end -= 1
            }
            if end <= start { continue }

            let outcome: Result<ParsedLine, LineFailure>
            if end - start > options.maxLineLength {
                outcome = .failure(.lineTooLong(options.maxLineLength))
            } else {
                outcome = scanner.parseLine(start: start, end: end, hasEscapes: hasEscapes,
                                            lineNumber: thisLine, byteOffset: blockStart)
            }
            switch outcome {
            case .success(let line):
                summary.accepted += 1
                try body(line)
            case .failure(let failure):
                summary.record(
                    CodecError(code: .lineProtocol, message: failure.message(line: base), line: thisLine,
                               byteOffset: blockStart,
                               text: CodecError.excerpt(UnsafeRawBufferPointer(start: base + start, count: end - start))),
                    limit: options.maxReportedErrors)
            }
        }
        return summary
    }

    /// Parses a byte array; see `parse(_:precision:defaultTimestamp:_:)`.
    public mutating func parse(
        _ input: [UInt8], precision: Precision = .nanoseconds, defaultTimestamp: Int64,
        _ body: (ParsedLine) throws -> Void
    ) rethrows -> ParseSummary {
        try input.withUnsafeBytes { try parse($0, precision: precision, defaultTimestamp: defaultTimestamp, body) }
    }
}
