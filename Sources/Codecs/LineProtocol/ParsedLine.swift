/// One field value of a line-protocol point. Strings are borrowed, unescaped
/// bytes: valid only inside the parser's callback.
public enum FieldValue {
    case float(Double)
    case integer(Int64)
    case unsigned(UInt64)
    case boolean(Bool)
    case string(UnsafeRawBufferPointer)

    /// The value as a sample value: booleans are 0 or 1; nil for strings, which
    /// are not samples.
    @inline(__always)
    public var sampleValue: Double? {
        switch self {
        case .float(let v): v
        case .integer(let v): Double(v)
        case .unsigned(let v): Double(v)
        case .boolean(let v): v ? 1 : 0
        case .string: nil
        }
    }
}

/// One tag of a parsed line, as stored in the parser's scratch space.
struct TagSlot {
    /// The key as written (still escaped): tags are sorted and compared by it, as InfluxDB does.
    var rawKey: UnsafeRawBufferPointer
    var key: UnsafeRawBufferPointer
    var value: UnsafeRawBufferPointer
}

/// One field of a parsed line, as stored in the parser's scratch space.
struct FieldSlot {
    var key: UnsafeRawBufferPointer
    var rawKeyLength: Int
    var value: FieldValue
}

/// A borrowed view of one valid line-protocol line: names are unescaped, tags
/// are sorted by key (as InfluxDB keys series), fields are in line order.
///
/// Every buffer it hands out points into the input or into the parser's scratch
/// space and is valid only until the callback returns; copy what you keep.
public struct ParsedLine {
    /// The measurement name, unescaped.
    public let measurement: UnsafeRawBufferPointer
    public let tagCount: Int
    public let fieldCount: Int
    /// The point's time in nanoseconds: its own timestamp scaled by the precision,
    /// or the caller's default rounded down to the precision.
    public let timestampNanos: Int64
    /// Whether the line carried its own timestamp.
    public let hasTimestamp: Bool
    /// 1-based line number in the body.
    public let lineNumber: Int
    /// Byte offset of the line in the body.
    public let byteOffset: Int
    /// The line as written, without leading blanks and line ending: re-emit it to
    /// forward the point unchanged (mind that its timestamp is in the body's precision).
    public let raw: UnsafeRawBufferPointer

    let tags: UnsafePointer<TagSlot>
    let fields: UnsafePointer<FieldSlot>

    /// The `index`th tag (sorted by key), unescaped.
    @inline(__always)
    public func tag(_ index: Int) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        precondition(index >= 0 && index < tagCount, "tag index out of range")
        let slot = tags[index]
        return (slot.key, slot.value)
    }

    /// The `index`th field in line order, key unescaped.
    @inline(__always)
    public func field(_ index: Int) -> (key: UnsafeRawBufferPointer, value: FieldValue) {
        precondition(index >= 0 && index < fieldCount, "field index out of range")
        let slot = fields[index]
        return (slot.key, slot.value)
    }
}
