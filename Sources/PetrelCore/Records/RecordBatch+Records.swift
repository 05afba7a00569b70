/// Encoding and decoding of the records inside a batch.
extension RecordBatch {
    /// Decodes every record of the batch at the start of `bytes`, with offsets
    /// baseOffset + offsetDelta and absolute timestamps. Uncompressed and gzip
    /// batches are built in; snappy, lz4 and zstd use `RecordDecompressors`
    /// (`.unsupportedCompression` when none is registered).
    /// `decompressedLimit` caps the memory a small compressed batch may expand to.
    public static func decode(_ bytes: UnsafeRawBufferPointer, verifyCRC checkCRC: Bool = true,
                              decompressedLimit: Int = 64 << 20) throws(RecordBatchError) -> [Record] {
        let header = try validateHeader(bytes)
        if checkCRC && !verifyCRC(bytes) {
            throw RecordBatchError(.crcMismatch, "record batch at offset \(header.baseOffset): CRC mismatch")
        }
        let body = UnsafeRawBufferPointer(rebasing: bytes[RecordBatchHeader.size..<header.totalSize])
        guard let codec = header.attributes.compression else {
            throw RecordBatchError(.unsupportedCompression,
                                   "record batch at offset \(header.baseOffset): unknown compression codec \(header.attributes.compressionBits)")
        }
        switch codec {
        case .none:
            return try decodeRecords(body, header: header)
        case .gzip:
            let plain: [UInt8]
            do {
                plain = try Zlib.decompress(body, format: .gzip, limit: decompressedLimit)
            } catch {
                throw RecordBatchError(.corrupt, "record batch at offset \(header.baseOffset): gzip body does not decompress", cause: error as? Zlib.Failure)
            }
            return try withBytes(plain) { (buf) throws(RecordBatchError) -> [Record] in
                try decodeRecords(buf, header: header)
            }
        case .snappy, .lz4, .zstd:
            guard let decompress = RecordDecompressors.decompressor(for: codec) else {
                throw RecordBatchError(.unsupportedCompression,
                                       "record batch at offset \(header.baseOffset): compression codec \(codec.name) has no registered decompressor")
            }
            let plain: [UInt8]
            do {
                plain = try decompress(body, decompressedLimit)
            } catch {
                throw RecordBatchError(.corrupt, "record batch at offset \(header.baseOffset): \(codec.name) body does not decompress: \(error)")
            }
            return try withBytes(plain) { (buf) throws(RecordBatchError) -> [Record] in
                try decodeRecords(buf, header: header)
            }
        }
    }

    public static func decode(_ bytes: [UInt8], verifyCRC checkCRC: Bool = true) throws(RecordBatchError) -> [Record] {
        try withBytes(bytes) { (buf) throws(RecordBatchError) -> [Record] in try decode(buf, verifyCRC: checkCRC) }
    }

    /// Decodes consecutive batches (a segment slice or a Fetch response's
    /// records); a partial batch at the end is ignored, as Kafka clients do.
    public static func decodeAll(_ bytes: UnsafeRawBufferPointer, verifyCRC checkCRC: Bool = true) throws(RecordBatchError) -> [Record] {
        var records: [Record] = []
        var position = 0
        while let header = parseHeader(UnsafeRawBufferPointer(rebasing: bytes[position...])),
              header.totalSize >= RecordBatchHeader.size, position + header.totalSize <= bytes.count {
            let batch = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + header.totalSize)])
            records.append(contentsOf: try decode(batch, verifyCRC: checkCRC))
            position += header.totalSize
        }
        return records
    }

    // MARK: - Records

    /// About how many bytes `record` takes inside a batch, to size buffers and split batches.
    public static func estimatedSize(_ record: Record) -> Int {
        var size = 24 + (record.key?.count ?? 0) + (record.value?.count ?? 0)
        for header in record.headers { size += 10 + header.key.utf8.count + (header.value?.count ?? 0) }
        return size
    }

    static func appendRecords(_ records: [Record], firstTimestamp: Int64, to out: inout [UInt8]) {
        for (index, record) in records.enumerated() {
            let timestampDelta = record.timestamp &- firstTimestamp
            let offsetDelta = Int64(index)
            var bodySize = 1 + Varint.sizeSigned(timestampDelta) + Varint.sizeSigned(offsetDelta)
            bodySize += bytesFieldSize(record.key) + bytesFieldSize(record.value)
            bodySize += Varint.sizeSigned(Int64(record.headers.count))
            for header in record.headers {
                let keyCount = header.key.utf8.count
                bodySize += Varint.sizeSigned(Int64(keyCount)) + keyCount + bytesFieldSize(header.value)
            }
            Varint.appendSigned(Int64(bodySize), to: &out)
            out.append(0) // record attributes: unused
            Varint.appendSigned(timestampDelta, to: &out)
            Varint.appendSigned(offsetDelta, to: &out)
            appendBytesField(record.key, to: &out)
            appendBytesField(record.value, to: &out)
            Varint.appendSigned(Int64(record.headers.count), to: &out)
            for header in record.headers {
                Varint.appendSigned(Int64(header.key.utf8.count), to: &out)
                out.append(contentsOf: header.key.utf8)
                appendBytesField(header.value, to: &out)
            }
        }
    }

    @inline(__always)
    private static func bytesFieldSize(_ bytes: [UInt8]?) -> Int {
        guard let bytes else { return 1 }
        return Varint.sizeSigned(Int64(bytes.count)) + bytes.count
    }

    @inline(__always)
    private static func appendBytesField(_ bytes: [UInt8]?, to out: inout [UInt8]) {
        guard let bytes else { Varint.appendSigned(-1, to: &out); return }
        Varint.appendSigned(Int64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    private static func decodeRecords(_ body: UnsafeRawBufferPointer, header: RecordBatchHeader) throws(RecordBatchError) -> [Record] {
        let count = Int(header.recordCount)
        var records: [Record] = []
        records.reserveCapacity(min(count, body.count))
        var position = 0
        func fail(_ what: String) -> RecordBatchError {
            RecordBatchError(.corrupt, "record batch at offset \(header.baseOffset): record \(records.count): \(what) at byte \(position) of the records")
        }
        for _ in 0..<count {
            guard let length = Varint.readSigned(body, at: &position), length > 0, position + Int(length) <= body.count else {
                throw fail("bad record length")
            }
            let end = position + Int(length)
            let recordBytes = UnsafeRawBufferPointer(rebasing: body[..<end])
            position += 1 // attributes
            guard position <= end,
                  let timestampDelta = Varint.readSigned(recordBytes, at: &position),
                  let offsetDelta = Varint.readSigned(recordBytes, at: &position) else {
                throw fail("bad timestamp or offset delta")
            }
            guard let key = readBytesField(recordBytes, at: &position) else { throw fail("bad key") }
            guard let value = readBytesField(recordBytes, at: &position) else { throw fail("bad value") }
            guard let headerCount = Varint.readSigned(recordBytes, at: &position), headerCount >= 0,
                  headerCount <= Int64(end - position) else {
                throw fail("bad header count")
            }
            var headers: [RecordHeader] = []
            headers.reserveCapacity(Int(headerCount))
            for _ in 0..<headerCount {
                guard let keyBytes = readBytesField(recordBytes, at: &position), let keyBytes else { throw fail("bad header key") }
                guard let headerValue = readBytesField(recordBytes, at: &position) else { throw fail("bad header value") }
                headers.append(RecordHeader(key: String(decoding: keyBytes, as: UTF8.self), value: headerValue))
            }
            guard position == end else { throw fail("record length does not match its fields") }
            let timestamp = header.attributes.logAppendTime ? header.maxTimestamp : header.firstTimestamp &+ timestampDelta
            records.append(Record(offset: header.baseOffset &+ offsetDelta, timestamp: timestamp,
                                  key: key, value: value, headers: headers))
        }
        return records
    }

    /// Reads a varint length and that many bytes: `.some(nil)` for length -1,
    /// nil when the field is malformed.
    @inline(__always)
    private static func readBytesField(_ bytes: UnsafeRawBufferPointer, at position: inout Int) -> [UInt8]?? {
        guard let length = Varint.readSigned(bytes, at: &position), length >= -1 else { return nil }
        if length == -1 { return .some(nil) }
        guard Int64(bytes.count - position) >= length else { return nil }
        let field = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))]))
        position += Int(length)
        return .some(field)
    }
}
