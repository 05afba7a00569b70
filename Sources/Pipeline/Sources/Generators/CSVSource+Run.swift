import Foundation
import PetrelCore

/// The running `csv` source.
struct CSVSource: Source {
    let config: CSVSourceConfig
    let context: ComponentContext

    /// Rows appended per batch at most.
    static let batchRows = 1000
    /// Lines longer than this are refused (memory stays bounded).
    static let maxLineBytes = 1 << 20

    func run(_ output: SourceOutput) async throws {
        var pass: Int64 = 0
        var shift: Int64 = 0
        repeat {
            let span = try await replay(output, shiftNanos: shift)
            pass += 1
            // Each loop continues one second after the previous pass ended, so timestamps keep increasing.
            shift += max(span, 0) + 1_000_000_000
            if config.loop && config.pace == .original { try await sleep(nanos: 1_000_000_000) }
        } while config.loop && !Task.isCancelled
        context.logger.info("csv replay finished", metadata: ["path": "\(config.path)", "passes": "\(pass)"])
    }

    /// One pass over the file; returns the span of its timestamps (last - first, ns).
    private func replay(_ output: SourceOutput, shiftNanos: Int64) async throws -> Int64 {
        guard let file = fopen(config.path, "r") else {
            throw PipelineError(.startFailed, "csv \(context.id): cannot open \(config.path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var reader = LineReader(file: file, maxBytes: Self.maxLineBytes)
        var mapper: CSVRowMapper? = nil
        var batch = CSVBatch(config: config)
        var first: Int64? = nil
        var previous: Int64? = nil
        var lineNumber = 0
        while let line = reader.next() {
            lineNumber += 1
            if Task.isCancelled { break }
            guard case .line(let text) = line else {
                fail(lineNumber, "line longer than \(Self.maxLineBytes) bytes")
                continue
            }
            let trimmed = text.hasSuffix("\r") ? text.dropLast() : Substring(text)
            if trimmed.allSatisfy(\.isWhitespace) { continue }
            guard let values = CSVLine.split(trimmed, delimiter: config.delimiter) else {
                fail(lineNumber, "unterminated quoted field")
                continue
            }
            if mapper == nil {
                let columns = config.hasHeader ? values : values.indices.map { "column\($0 + 1)" }
                mapper = try config.mapper(columns: columns)
                if config.hasHeader { continue }
            }
            switch mapper!.map(values) {
            case .failure(let error):
                fail(lineNumber, error.reason)
            case .success(var row):
                if let ts = row.timestampNanos {
                    row.timestampNanos = ts + shiftNanos
                    if first == nil { first = ts }
                    if config.pace == .original, let previous, ts > previous {
                        try await batch.flush(output, now: context.timeSource.nowNanos())
                        try await sleep(nanos: Int64(Double(ts - previous) / config.speed))
                    }
                    previous = ts
                }
                batch.add(row, line: String(trimmed), now: context.timeSource.nowNanos())
                if batch.rows >= Self.batchRows { try await batch.flush(output, now: context.timeSource.nowNanos()) }
            }
        }
        try await batch.flush(output, now: context.timeSource.nowNanos())
        return (previous ?? 0) - (first ?? 0)
    }

    private func fail(_ line: Int, _ reason: String) {
        context.metrics.error("csv: \(config.path) line \(line): \(reason)")
        context.metrics.discarded(1)
    }

    private func sleep(nanos: Int64) async throws {
        guard nanos > 0 else { return }
        try await Task.sleep(for: .nanoseconds(nanos))
    }
}

/// Rows waiting to be appended: line protocol or event records.
struct CSVBatch {
    let config: CSVSourceConfig
    private var lines = MetricLineWriter()
    private var records: [Record] = []
    private var bytes = 0
    private(set) var rows = 0

    init(config: CSVSourceConfig) {
        self.config = config
    }

    mutating func add(_ row: CSVRowMapper.Row, line: String, now: Int64) {
        let timestamp = row.timestampNanos ?? now
        switch config.output {
        case .metrics:
            lines.line(config.measurement, tags: row.tags.sorted { $0.0 < $1.0 }, fields: row.numbers,
                       timestampNanos: timestamp)
        case .events:
            let record = LogEvent(timestampMicros: timestamp / 1000, message: line, sourceType: "csv",
                                  fields: row.fields).record()
            records.append(record)
        }
        bytes += line.utf8.count + 1
        rows += 1
    }

    mutating func flush(_ output: SourceOutput, now: Int64) async throws {
        guard rows > 0 else { return }
        output.metrics.received(events: rows, bytes: bytes)
        switch config.output {
        case .metrics:
            try await output.sendMetrics(lineProtocol: lines.bytes, timestampMillis: now / 1_000_000,
                                         events: lines.lines)
        case .events:
            try await output.send(records)
        }
        lines = MetricLineWriter()
        records.removeAll(keepingCapacity: true)
        bytes = 0
        rows = 0
    }
}

/// Reads a file line by line with `getline`, refusing over-long lines.
struct LineReader {
    enum Line {
        case line(String)
        case tooLong
    }

    let file: UnsafeMutablePointer<FILE>
    let maxBytes: Int

    mutating func next() -> Line? {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return nil }
        guard count <= maxBytes else { return .tooLong }
        let length = count > 0 && buffer[count - 1] == 0x0A ? count - 1 : count
        return .line(buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        })
    }
}
