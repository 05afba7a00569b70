/// Appends bits most-significant first into a byte array: the substrate of the
/// Gorilla chunk encodings.
struct BitWriter: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Unused low bits in the last byte.
    private var freeBits = 0

    init() {}

    init(reservingBytes count: Int) {
        bytes.reserveCapacity(count)
    }

    @inline(__always)
    mutating func writeBit(_ bit: Bool) {
        if freeBits == 0 {
            bytes.append(0)
            freeBits = 8
        }
        freeBits -= 1
        if bit { bytes[bytes.count - 1] |= 1 << UInt8(freeBits) }
    }

    /// Writes the low `count` bits of `value` (0...64), high bit first.
    @inline(__always)
    mutating func writeBits(_ value: UInt64, count: Int) {
        var remaining = count
        while remaining > 0 {
            if freeBits == 0 {
                bytes.append(0)
                freeBits = 8
            }
            let take = min(remaining, freeBits)
            let part = (value >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1)
            bytes[bytes.count - 1] |= UInt8(part) << UInt8(freeBits - take)
            freeBits -= take
            remaining -= take
        }
    }

    mutating func writeByte(_ byte: UInt8) { writeBits(UInt64(byte), count: 8) }

    mutating func writeUvarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            writeByte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeByte(UInt8(v))
    }

    mutating func writeVarint(_ v: Int64) { writeUvarint(Varint.zigzag(v)) }

    /// Overwrites a whole byte already written (used for the sample-count header).
    mutating func setByte(_ byte: UInt8, at index: Int) { bytes[index] = byte }
}

/// Reads bits most-significant first; every read returns nil at the end of input
/// so truncated or corrupt chunks surface as errors, never as crashes.
struct BitReader {
    private let bytes: [UInt8]
    private var byteIndex: Int
    private var bitIndex = 0  // bits already consumed in bytes[byteIndex]

    init(_ bytes: [UInt8], startingAt offset: Int = 0) {
        self.bytes = bytes
        self.byteIndex = offset
    }

    @inline(__always)
    mutating func readBit() -> Bool? {
        guard byteIndex < bytes.count else { return nil }
        let bit = (bytes[byteIndex] >> UInt8(7 - bitIndex)) & 1 == 1
        bitIndex += 1
        if bitIndex == 8 {
            bitIndex = 0
            byteIndex += 1
        }
        return bit
    }

    /// Reads `count` (0...64) bits as the low bits of the result. Loads a whole
    /// 64-bit window at once (the hot path of chunk decoding) instead of looping
    /// over bytes.
    @inline(__always)
    mutating func readBits(_ count: Int) -> UInt64? {
        guard count > 0 else { return 0 }
        let position = byteIndex &* 8 &+ bitIndex
        guard count <= 64, position &+ count <= bytes.count &* 8 else { return nil }
        let result: UInt64 = bytes.withUnsafeBufferPointer { buffer in
            let start = byteIndex
            var window: UInt64 = 0
            if buffer.count - start >= 8 {
                window = UnsafeRawPointer(buffer.baseAddress! + start).loadUnaligned(as: UInt64.self).bigEndian
            } else {
                for k in 0..<(buffer.count - start) { window |= UInt64(buffer[start + k]) << UInt64(56 - 8 * k) }
            }
            var bits = window << UInt64(bitIndex)
            if bitIndex + count > 64 {
                // The 9th byte holds the last bits of a read that straddles the window.
                bits |= UInt64(buffer[start + 8]) >> UInt64(8 - bitIndex)
            }
            return bits >> UInt64(64 - count)
        }
        let next = position &+ count
        byteIndex = next >> 3
        bitIndex = next & 7
        return result
    }

    mutating func readUvarint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard let byte = readBits(8) else { return nil }
            result |= (byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    mutating func readVarint() -> Int64? { readUvarint().map(Varint.unzigzag) }
}

import PetrelCore
