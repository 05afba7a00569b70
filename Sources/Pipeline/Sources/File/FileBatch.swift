import LogStorage
import PetrelCore

/// The events gathered for one `send`, already encoded as record batches
/// (one byte buffer per batch, no `Record` per line), and the spooled files
/// it finishes. A batch holds one file's events (they share the record key
/// that picks the partition) and at most `maxBatchBytes`.
struct FileBatch {
    /// Finished batches, in order.
    private(set) var batches: [EncodedBatch] = []
    private var builder = RecordBatchBuilder()
    private var builderKey: [UInt8] = []
    /// The largest record batch to build (the topic's `maxMessageBytes`, at most 1 MiB).
    let maxBatchBytes: Int
    /// Lines (or multi-line events) and the raw bytes they came from, for the received counters.
    var lines = 0
    var rawBytes = 0
    /// Spooled files whose last line is in this batch: renamed or deleted once it is sent.
    var completed: [SpoolCompletion] = []

    static let defaultMaxBatchBytes = 1 << 20

    init(maxBatchBytes: Int = FileBatch.defaultMaxBatchBytes) {
        self.maxBatchBytes = max(4096, maxBatchBytes)
    }

    var isEmpty: Bool { batches.isEmpty && builder.isEmpty && completed.isEmpty }

    /// Whether one event of `valueCount` bytes with `key` fits in a batch at all.
    func fits(key: [UInt8], valueCount: Int) -> Bool {
        RecordBatchHeader.size + RecordBatchBuilder.maxRecordSize(keyCount: key.count, valueCount: valueCount) <= maxBatchBytes
    }

    /// Appends one event; `writeValue` appends exactly `valueCount` bytes.
    /// A new record batch starts when the key changes or this one is full.
    mutating func append(key: [UInt8], timestamp: Int64, valueCount: Int, value writeValue: (inout [UInt8]) -> Void) {
        let size = RecordBatchBuilder.maxRecordSize(keyCount: key.count, valueCount: valueCount)
        if !builder.isEmpty && (key != builderKey || builder.byteCount + size > maxBatchBytes) { seal() }
        if builder.isEmpty {
            builderKey = key
            if builder.bytes.capacity < maxBatchBytes { builder = RecordBatchBuilder(capacity: maxBatchBytes) }
        }
        key.withUnsafeBytes { keyBytes in
            builder.append(timestamp: timestamp, key: keyBytes, valueCount: valueCount, value: writeValue)
        }
        lines += 1
    }

    /// Finishes the batch being built; afterwards `batches` holds every event.
    mutating func seal() {
        let records = Int(builder.count), payload = builder.payloadBytes
        if let bytes = builder.finish() {
            batches.append(EncodedBatch(bytes: bytes, key: builderKey, records: records, payloadBytes: payload))
        }
    }

    /// Every event as a record (offsets from 0 in each batch), for tests and diagnostics.
    var records: [Record] {
        var copy = self
        copy.seal()
        return copy.batches.flatMap { (try? RecordBatch.decode($0.bytes)) ?? [] }
    }
}

/// A spooled file read to its end.
struct SpoolCompletion: Equatable {
    var identity: FileIdentity
    var path: String
}
