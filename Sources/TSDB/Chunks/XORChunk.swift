import PetrelCore

/// An appendable Gorilla chunk (Facebook's Gorilla paper): delta-of-delta
/// timestamps and XOR-compressed float values, the head's in-memory format.
///
/// Layout (bit stream, most significant bit first; see docs/formats/tsdb.md):
/// `u16 count` · `varint t0` · `64 bits v0` · `uvarint t1-t0` · XOR(v1) ·
/// then per sample a delta-of-delta bucket and XOR(v).
struct XORChunk: Sendable {
    private var stream = BitWriter(reservingBytes: 32)
    private(set) var count = 0
    private(set) var minTime: Int64 = 0
    private(set) var maxTime: Int64 = 0
    private var lastDelta: Int64 = 0
    private var lastValueBits: UInt64 = 0
    private var leading: Int = 0xFF  // 0xFF: no XOR window yet
    private var trailing: Int = 0

    init() {
        stream.writeBits(0, count: 16)
    }

    var bytes: [UInt8] { stream.bytes }
    var lastValue: Double { Double(bitPattern: lastValueBits) }

    /// Appends a sample; timestamps must strictly increase (the head guarantees it)
    /// and a chunk holds at most 65,535 samples.
    mutating func append(_ t: Int64, _ v: Double) {
        precondition(count == 0 || t > maxTime, "chunk timestamps must strictly increase")
        precondition(count < 65_535, "chunk is full")
        let bits = v.bitPattern
        switch count {
        case 0:
            stream.writeVarint(t)
            stream.writeBits(bits, count: 64)
            minTime = t
        case 1:
            lastDelta = t &- maxTime
            stream.writeUvarint(UInt64(lastDelta))
            writeValue(bits)
        default:
            let delta = t &- maxTime
            let dod = delta &- lastDelta
            XORChunk.writeDeltaOfDelta(dod, into: &stream)
            lastDelta = delta
            writeValue(bits)
        }
        maxTime = t
        lastValueBits = bits
        count += 1
        stream.setByte(UInt8(count >> 8), at: 0)
        stream.setByte(UInt8(count & 0xFF), at: 1)
    }

    private mutating func writeValue(_ bits: UInt64) {
        let xor = bits ^ lastValueBits
        if xor == 0 {
            stream.writeBit(false)
            return
        }
        stream.writeBit(true)
        var lead = xor.leadingZeroBitCount
        let trail = xor.trailingZeroBitCount
        if lead > 31 { lead = 31 }  // 5 bits hold the leading count
        if leading != 0xFF && lead >= leading && trail >= trailing {
            stream.writeBit(false)
            stream.writeBits(xor >> UInt64(trailing), count: 64 - leading - trailing)
        } else {
            leading = lead
            trailing = trail
            let significant = 64 - lead - trail
            stream.writeBit(true)
            stream.writeBits(UInt64(lead), count: 5)
            stream.writeBits(UInt64(significant & 63), count: 6)  // 64 is written as 0
            stream.writeBits(xor >> UInt64(trail), count: significant)
        }
    }

    /// Writes a timestamp delta-of-delta with the Gorilla prefix buckets
    /// `0` · `10`+14 bits · `110`+17 · `1110`+20 · `1111`+64.
    static func writeDeltaOfDelta(_ dod: Int64, into stream: inout BitWriter) {
        func fits(_ bits: Int) -> Bool { dod >= -(1 << (bits - 1)) && dod < (1 << (bits - 1)) }
        let value = UInt64(bitPattern: dod)
        if dod == 0 {
            stream.writeBit(false)
        } else if fits(14) {
            stream.writeBits(0b10, count: 2)
            stream.writeBits(value & 0x3FFF, count: 14)
        } else if fits(17) {
            stream.writeBits(0b110, count: 3)
            stream.writeBits(value & 0x1FFFF, count: 17)
        } else if fits(20) {
            stream.writeBits(0b1110, count: 4)
            stream.writeBits(value & 0xFFFFF, count: 20)
        } else {
            stream.writeBits(0b1111, count: 4)
            stream.writeBits(value, count: 64)
        }
    }

    static func readDeltaOfDelta(_ reader: inout BitReader) -> Int64? {
        var prefix = 0
        while prefix < 4 {
            guard let bit = reader.readBit() else { return nil }
            if !bit { break }
            prefix += 1
        }
        let width: Int
        switch prefix {
        case 0: return 0
        case 1: width = 14
        case 2: width = 17
        case 3: width = 20
        default: width = 64
        }
        guard let raw = reader.readBits(width) else { return nil }
        if width == 64 { return Int64(bitPattern: raw) }
        let shift = UInt64(64 - width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)  // sign-extend
    }

    /// Decodes a chunk's samples within [mint, maxt], appending them to `timestamps` and
    /// `values`; decoding stops at the first sample past `maxt`.
    static func decode(_ bytes: [UInt8], into timestamps: inout [Int64], _ values: inout [Double],
                       mint: Int64 = .min, maxt: Int64 = .max) throws {
        func corrupt(_ what: String) -> TSDBError { TSDBError(.corrupt, "XOR chunk: \(what)") }
        var reader = BitReader(bytes)
        guard let count = reader.readBits(16) else { throw corrupt("missing header") }
        guard count > 0 else { return }
        guard var t = reader.readVarint(), var bits = reader.readBits(64) else { throw corrupt("truncated first sample") }
        if t > maxt { return }
        if t >= mint {
            timestamps.append(t)
            values.append(Double(bitPattern: bits))
        }
        var delta: Int64 = 0
        var leading = 0, trailing = 0
        for i in 1..<Int(count) {
            if i == 1 {
                guard let d = reader.readUvarint(), d > 0, d <= UInt64(Int64.max) else { throw corrupt("bad first delta") }
                delta = Int64(d)
            } else {
                guard let dod = readDeltaOfDelta(&reader) else { throw corrupt("truncated timestamp at sample \(i)") }
                delta = delta &+ dod
            }
            guard delta > 0 else { throw corrupt("timestamps not increasing at sample \(i)") }
            t = t &+ delta
            guard let changed = reader.readBit() else { throw corrupt("truncated value at sample \(i)") }
            if changed {
                guard let newWindow = reader.readBit() else { throw corrupt("truncated value at sample \(i)") }
                if newWindow {
                    guard let lead = reader.readBits(5), let sig = reader.readBits(6) else {
                        throw corrupt("truncated value window at sample \(i)")
                    }
                    let significant = sig == 0 ? 64 : Int(sig)
                    guard Int(lead) + significant <= 64 else { throw corrupt("bad value window at sample \(i)") }
                    leading = Int(lead)
                    trailing = 64 - leading - significant
                }
                let significant = 64 - leading - trailing
                guard significant > 0, let xor = reader.readBits(significant) else {
                    throw corrupt("truncated value bits at sample \(i)")
                }
                bits ^= xor << UInt64(trailing)
            }
            if t > maxt { return }
            if t >= mint {
                timestamps.append(t)
                values.append(Double(bitPattern: bits))
            }
        }
    }
}
