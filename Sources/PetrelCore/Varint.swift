/// Variable-length integers as Kafka and protobuf write them: unsigned LEB128,
/// and zig-zag for signed values.
public enum Varint {
    @inline(__always)
    public static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always)
    public static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    /// Appends `v` as unsigned LEB128.
    @inline(__always)
    public static func appendUnsigned(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Appends `v` zig-zag encoded.
    @inline(__always)
    public static func appendSigned(_ v: Int64, to out: inout [UInt8]) {
        appendUnsigned(zigzag(v), to: &out)
    }

    public static func sizeUnsigned(_ v: UInt64) -> Int {
        var v = v, n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    public static func sizeSigned(_ v: Int64) -> Int { sizeUnsigned(zigzag(v)) }

    /// Reads an unsigned LEB128 at `offset`, advancing it. Nil when the buffer ends
    /// first or the value is longer than 10 bytes.
    @inline(__always)
    public static func readUnsigned(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        while i < bytes.count {
            let byte = bytes[i]
            i += 1
            if shift == 63 && byte > 1 { return nil }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                offset = i
                return result
            }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    @inline(__always)
    public static func readSigned(_ bytes: UnsafeRawBufferPointer, at offset: inout Int) -> Int64? {
        readUnsigned(bytes, at: &offset).map(unzigzag)
    }
}

/// Big-endian fixed-width integers in byte arrays (Kafka's and Petrel's on-disk order).
public enum BigEndian {
    @inline(__always)
    public static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        var be = v.bigEndian
        withUnsafeBytes(of: &be) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    public static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> T {
        T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    @inline(__always)
    public static func write<T: FixedWidthInteger>(_ v: T, into bytes: UnsafeMutableRawBufferPointer, at offset: Int) {
        bytes.storeBytes(of: v.bigEndian, toByteOffset: offset, as: T.self)
    }
}
