/// Joins lines into multi-line events (stack traces, wrapped messages) per
/// `MultilineConfig`. A plain state machine over lines: it is fed a line and
/// its byte offset and calls `emit` with each finished event and the offset
/// of its first line. Joined lines are separated by `\n`; an event never
/// grows past `maxBytes` (it is emitted as it is and the line starts anew).
struct MultilineAggregator {
    let mode: MultilineConfig.Mode
    let timeoutMillis: Int64
    let maxBytes: Int
    private let start: Regex<AnyRegexOutput>
    private let condition: Regex<AnyRegexOutput>
    private var buffer: [UInt8] = []
    private var startOffset: Int64 = 0
    private var active = false
    private var lastLineMillis: Int64 = 0

    init(_ config: MultilineConfig, maxBytes: Int) throws {
        mode = config.mode
        timeoutMillis = config.timeoutMillis
        self.maxBytes = maxBytes
        start = try Regex(config.startPattern)
        condition = try Regex(config.conditionPattern)
    }

    /// The offset of the first line of the event being gathered; a
    /// checkpoint must not pass it.
    var pendingOffset: Int64? { active ? startOffset : nil }

    typealias Emit = (UnsafeRawBufferPointer, Int64) -> Void

    mutating func feed(_ line: UnsafeRawBufferPointer, offset: Int64, nowMillis: Int64, emit: Emit) {
        lastLineMillis = nowMillis
        guard active else {
            begin(line, offset: offset, emit: emit)
            return
        }
        let matches = Self.matches(condition, line)
        switch mode {
        case .continueThrough:
            if matches { append(line, offset: offset, emit: emit) } else {
                flush(emit: emit)
                begin(line, offset: offset, emit: emit)
            }
        case .continuePast:
            append(line, offset: offset, emit: emit)
            if !matches { flush(emit: emit) }
        case .haltBefore:
            if matches {
                flush(emit: emit)
                begin(line, offset: offset, emit: emit)
            } else {
                append(line, offset: offset, emit: emit)
            }
        case .haltWith:
            append(line, offset: offset, emit: emit)
            if matches { flush(emit: emit) }
        }
    }

    /// Emits the event being gathered, if any.
    mutating func flush(emit: Emit) {
        guard active else { return }
        active = false
        buffer.withUnsafeBytes { emit($0, startOffset) }
        buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
    }

    /// Emits the event being gathered when no line came for `timeoutMillis`.
    mutating func flushIfExpired(nowMillis: Int64, emit: Emit) {
        if active && nowMillis - lastLineMillis >= timeoutMillis { flush(emit: emit) }
    }

    /// A line with no event open: opens one when it matches `start_pattern`, else is an event alone.
    private mutating func begin(_ line: UnsafeRawBufferPointer, offset: Int64, emit: Emit) {
        guard Self.matches(start, line) else {
            emit(line, offset)
            return
        }
        active = true
        startOffset = offset
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: line)
        // halt_with: a start line that also ends the event is an event alone.
        if mode == .haltWith && Self.matches(condition, line) { flush(emit: emit) }
    }

    private mutating func append(_ line: UnsafeRawBufferPointer, offset: Int64, emit: Emit) {
        if buffer.count + 1 + line.count > maxBytes {
            // Too long to join: what was gathered goes out, the line goes on alone.
            flush(emit: emit)
            emit(line, offset)
            return
        }
        buffer.append(0x0A)
        buffer.append(contentsOf: line)
    }

    private static func matches(_ regex: Regex<AnyRegexOutput>, _ line: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: line, as: UTF8.self)
        return (try? regex.firstMatch(in: text)) != nil
    }
}
