import PetrelCore

/// Turns line-protocol points into samples, the VictoriaMetrics way:
/// `m,tag=v f1=1,f2=2 ts` gives `m_f1{tag="v"}` and `m_f2{tag="v"}`; booleans
/// are 0 or 1, integers become floats, string fields are not samples, and the
/// timestamp is rounded down to milliseconds.
///
/// Reuses one buffer for the key bytes of every sample, so mapping allocates
/// nothing once the buffer has grown to the longest line. One mapper per task.
public struct InfluxSampleMapper {
    /// Labels added to every sample (e.g. `db`); they override tags of the same name.
    public let extraLabels: [Label]
    private let extraBlock: [UInt8]
    private let extraNames: [[UInt8]]
    private let buffer: KeyBuffer

    public init(extraLabels: [Label] = []) {
        let labels = Array(Labels(extraLabels).filter { $0.name != Labels.metricName })
        self.extraLabels = labels
        var block: [UInt8] = []
        for label in labels {
            Self.appendString(Array(label.name.utf8), to: &block)
            Self.appendString(Array(label.value.utf8), to: &block)
        }
        extraBlock = block
        extraNames = labels.map { Array($0.name.utf8) }
        buffer = KeyBuffer()
    }

    private static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        Varint.appendUnsigned(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Calls `body` with the series key, the timestamp in milliseconds and the
    /// value of every numeric or boolean field of `line`, in field order.
    public mutating func forEachSample(
        of line: ParsedLine, _ body: (SampleKey, Int64, Double) throws -> Void
    ) rethrows {
        let timestamp = Self.milliseconds(line.timestampNanos)
        // Layout: [room for varint + name, right-aligned][labels block].
        var longestField = 0
        for f in 0..<line.fieldCount { longestField = max(longestField, line.field(f).key.count) }
        let nameRoom = 10 + line.measurement.count + 1 + longestField
        var labelsLength = extraBlock.count
        for t in 0..<line.tagCount {
            let tag = line.tag(t)
            labelsLength += 20 + tag.key.count + tag.value.count
        }
        buffer.reserve(nameRoom + labelsLength)
        let out = buffer.bytes

        // The labels block, once per line.
        var cursor = nameRoom
        for t in 0..<line.tagCount {
            let tag = line.tag(t)
            if isOverridden(tag.key) { continue }
            cursor = Self.write(tag.key, to: out, at: cursor)
            cursor = Self.write(tag.value, to: out, at: cursor)
        }
        extraBlock.withUnsafeBytes { block in
            if block.count > 0 {
                UnsafeMutableRawPointer(out + cursor).copyMemory(from: block.baseAddress!, byteCount: block.count)
            }
        }
        cursor += extraBlock.count
        var labelsHash = FNV1a()
        labelsHash.add(bytes: UnsafeRawBufferPointer(start: out + nameRoom, count: cursor - nameRoom))

        var measurementHash = FNV1a()
        measurementHash.add(bytes: line.measurement)
        measurementHash.add(byte: UInt8(ascii: "_"))

        for f in 0..<line.fieldCount {
            let field = line.field(f)
            guard let value = field.value.sampleValue, field.key.count > 0 else { continue }
            let nameLength = line.measurement.count + 1 + field.key.count
            var start = nameRoom - nameLength
            UnsafeMutableRawPointer(out + start).copyMemory(from: line.measurement.baseAddress!, byteCount: line.measurement.count)
            out[start + line.measurement.count] = UInt8(ascii: "_")
            UnsafeMutableRawPointer(out + start + line.measurement.count + 1).copyMemory(from: field.key.baseAddress!, byteCount: field.key.count)
            // The varint length goes right before the name.
            var length = UInt64(nameLength)
            let varintSize = Varint.sizeUnsigned(length)
            start -= varintSize
            var v = start
            while length >= 0x80 {
                out[v] = UInt8(truncatingIfNeeded: length) | 0x80
                length >>= 7
                v += 1
            }
            out[v] = UInt8(length)
            var nameHash = measurementHash
            nameHash.add(bytes: field.key)
            let key = SampleKey(hash: SampleKey.mix(nameHash.value, labelsHash.value),
                                bytes: UnsafeRawBufferPointer(start: out + start, count: cursor - start))
            try body(key, timestamp, value)
        }
    }

    @inline(__always)
    private func isOverridden(_ key: UnsafeRawBufferPointer) -> Bool {
        if key.count == 8 && key.elementsEqual(Labels.metricName.utf8) { return true }
        for name in extraNames where name.count == key.count && name.elementsEqual(key) { return true }
        return false
    }

    @inline(__always)
    private static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutablePointer<UInt8>, at offset: Int) -> Int {
        var length = UInt64(bytes.count)
        var i = offset
        while length >= 0x80 {
            out[i] = UInt8(truncatingIfNeeded: length) | 0x80
            length >>= 7
            i += 1
        }
        out[i] = UInt8(length)
        i += 1
        if bytes.count > 0 { UnsafeMutableRawPointer(out + i).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        return i + bytes.count
    }

    /// Nanoseconds to milliseconds, rounded down (towards negative infinity).
    @inline(__always)
    public static func milliseconds(_ nanos: Int64) -> Int64 {
        let q = nanos / 1_000_000
        return nanos % 1_000_000 < 0 ? q - 1 : q
    }
}

/// The mapper's reusable byte buffer for sample keys.
final class KeyBuffer {
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init() {
        capacity = 1024
        bytes = .allocate(capacity: capacity)
    }

    func reserve(_ count: Int) {
        guard count > capacity else { return }
        bytes.deallocate()
        capacity = max(count, capacity * 2)
        bytes = .allocate(capacity: capacity)
    }

    deinit { bytes.deallocate() }
}
