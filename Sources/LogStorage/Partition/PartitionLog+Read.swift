import PetrelCore

/// Reads by offset and lookups by time. Positions are captured under the
/// lock, the bytes are read outside it: segments only grow, and a segment
/// deleted by retention stays readable through its open descriptor.
extension PartitionLog {
    /// Where a read goes: segments from the one holding the offset, each with
    /// the position to start at and the size it had when the read began.
    private struct ReadPlan {
        var parts: [(segment: Segment, start: Int, end: Int)] = []
        var highWatermark: Int64 = 0
    }

    private func plan(from offset: Int64) throws(LogStorageError) -> ReadPlan {
        try state.withLock { (s) throws(LogStorageError) -> ReadPlan in
            guard offset >= s.logStartOffset && offset <= s.logEndOffset else {
                throw LogStorageError(.offsetOutOfRange,
                                      "\(topic)-\(partition): offset \(offset) is outside \(s.logStartOffset)...\(s.logEndOffset)")
            }
            var plan = ReadPlan(highWatermark: s.highWatermark)
            guard offset < s.highWatermark else { return plan }
            let first = s.segmentIndex(for: offset)
            for i in first..<s.segments.count {
                let segment = s.segments[i]
                let start = i == first ? segment.index.position(atOrBefore: UInt32(max(0, offset - segment.baseOffset))) : 0
                plan.parts.append((segment, start, segment.size))
            }
            return plan
        }
    }

    /// Whole batches holding `offset` and after, up to the high watermark and
    /// about `maxBytes` (always at least one batch when one exists), as stored:
    /// what a Kafka Fetch response carries. The first batch may start before
    /// `offset`, as in Kafka. Throws `.offsetOutOfRange` below logStartOffset or
    /// past logEndOffset; empty at or past the high watermark.
    public func readRaw(from offset: Int64, maxBytes: Int) throws -> [UInt8] {
        let slices = try readSlices(from: offset, maxBytes: maxBytes)
        guard slices.count != 1 else { return try slices[0].read() }
        var out: [UInt8] = []
        out.reserveCapacity(slices.reduce(0) { $0 + $1.count })
        for slice in slices { out += try slice.read() }
        return out
    }

    /// Where the batches `readRaw(from:maxBytes:)` would return lie in the
    /// segment files, without reading them: one slice per segment touched, in
    /// order. Only batch headers are read. A Fetch sends these with sendfile.
    public func readSlices(from offset: Int64, maxBytes: Int) throws(LogStorageError) -> [LogSlice] {
        let plan = try plan(from: offset)
        var walk = BatchWalk(minOffset: offset, highWatermark: plan.highWatermark, maxBytes: maxBytes)
        var slices: [LogSlice] = []
        for part in plan.parts {
            let (start, end) = try walk.run(segment: part.segment, start: part.start, end: part.end)
            if end > start { slices.append(LogSlice(segment: part.segment, position: start, count: end - start)) }
            if walk.done { break }
        }
        return slices
    }

    /// Records from `offset` on, decoded, up to the high watermark and about
    /// `maxBytes`; at least one record when one exists past `offset`.
    public func read(from offset: Int64, maxBytes: Int) throws -> [Record] {
        let raw = try readRaw(from: offset, maxBytes: maxBytes)
        let hw = highWatermark
        do {
            let records = try withBytes(raw) { (buf) throws(RecordBatchError) in try RecordBatch.decodeAll(buf) }
            return records.filter { $0.offset >= offset && $0.offset < hw }
        } catch {
            throw LogStorageError(.corruptBatch, "\(topic)-\(partition): cannot decode stored batch: \(error.message)", cause: error)
        }
    }

    /// The first offset whose record timestamp is at or after `timestamp`
    /// (Kafka ListOffsets by time); nil when no visible record is that new.
    public func offset(atOrAfterTimestamp timestamp: Int64) -> Int64? {
        let candidates: [(segment: Segment, start: Int, end: Int)]
        let hw: Int64
        (candidates, hw) = state.withLock { s in
            var parts: [(segment: Segment, start: Int, end: Int)] = []
            for segment in s.segments where segment.maxTimestamp >= timestamp {
                parts.append((segment, segment.index.position(beforeTimestamp: timestamp), segment.size))
            }
            return (parts, s.highWatermark)
        }
        for part in candidates {
            var position = part.start
            while position < part.end {
                guard let headerBytes = try? FileIO.pread(part.segment.fd, count: RecordBatchHeader.size, at: position,
                                                          path: part.segment.logPath),
                      let header = headerBytes.withUnsafeBytes({ RecordBatch.parseHeader($0) }),
                      header.totalSize >= RecordBatchHeader.size else { break }
                if header.baseOffset >= hw { return nil }
                if header.maxTimestamp >= timestamp {
                    guard let batch = try? FileIO.pread(part.segment.fd, count: header.totalSize, at: position,
                                                        path: part.segment.logPath),
                          let records = try? RecordBatch.decode(batch) else { return header.baseOffset }
                    return records.first { $0.timestamp >= timestamp }?.offset ?? header.baseOffset
                }
                position += header.totalSize
            }
        }
        return nil
    }

    /// The record with the largest timestamp among the visible ones, the
    /// earliest such record when several share it (Kafka ListOffsets -3,
    /// KIP-734); nil when nothing is visible. Only segments whose newest
    /// timestamp can still win are scanned, batch header by batch header.
    public func maxTimestampRecord() -> (offset: Int64, timestamp: Int64)? {
        let (segments, hw) = state.withLock { s in
            (s.segments.filter { $0.maxTimestamp >= 0 }.sorted { $0.maxTimestamp > $1.maxTimestamp }, s.highWatermark)
        }
        var best: (header: RecordBatchHeader, segment: Segment, position: Int)?
        for segment in segments {
            if let found = best, segment.maxTimestamp < found.header.maxTimestamp { break }
            var position = 0
            let end = segment.size
            while position < end {
                guard let headerBytes = try? FileIO.pread(segment.fd, count: RecordBatchHeader.size, at: position,
                                                          path: segment.logPath),
                      let header = headerBytes.withUnsafeBytes({ RecordBatch.parseHeader($0) }),
                      header.totalSize >= RecordBatchHeader.size, header.baseOffset < hw else { break }
                if best.map({ header.maxTimestamp > $0.header.maxTimestamp
                        || (header.maxTimestamp == $0.header.maxTimestamp && header.baseOffset < $0.header.baseOffset) }) ?? true {
                    best = (header, segment, position)
                }
                position += header.totalSize
            }
        }
        guard let best else { return nil }
        let timestamp = best.header.maxTimestamp
        guard let batch = try? FileIO.pread(best.segment.fd, count: best.header.totalSize, at: best.position,
                                            path: best.segment.logPath),
              let records = try? RecordBatch.decode(batch),
              let record = records.first(where: { $0.timestamp == timestamp }) else {
            return (best.header.baseOffset, timestamp)
        }
        return (record.offset, timestamp)
    }
}
