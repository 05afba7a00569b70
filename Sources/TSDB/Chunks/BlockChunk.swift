import PetrelCore

/// The chunk encodings used inside blocks. Each block chunk starts with one
/// encoding byte; the writer picks whichever encoding is smaller for the chunk.
///
/// * `1` XOR: an `XORChunk` as the head writes it.
/// * `2` decimal: for values that are all decimals with at most 6 fractional
///   digits (counters, byte counts, most gauges), the values are scaled to
///   integers and stored as frame-of-reference bit-packed deltas, which is far
///   smaller than XOR floats for irregularly increasing counters.
enum BlockChunk {
    static let xor: UInt8 = 1
    static let decimal: UInt8 = 2
    /// The width byte of a decimal chunk that stores a 6-bit length per value.
    static let variableWidth: UInt8 = 0xFF

    private static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    /// Encodes samples (timestamps strictly increasing, 1...65,535 of them).
    static func encode(_ timestamps: ArraySlice<Int64>, _ values: ArraySlice<Double>) -> [UInt8] {
        var chunk = XORChunk()
        for (t, v) in zip(timestamps, values) { chunk.append(t, v) }
        var best = [xor] + chunk.bytes
        if let decimalBytes = encodeDecimal(timestamps, values), decimalBytes.count < best.count {
            best = decimalBytes
        }
        return best
    }

    static func decode(_ bytes: [UInt8], into timestamps: inout [Int64], _ values: inout [Double]) throws {
        guard let kind = bytes.first else { throw TSDBError(.corrupt, "empty block chunk") }
        switch kind {
        case xor: try XORChunk.decode(Array(bytes.dropFirst()), into: &timestamps, &values)
        case decimal: try decodeDecimal(bytes, into: &timestamps, &values)
        default: throw TSDBError(.corrupt, "unknown block chunk encoding \(kind)")
        }
    }

    /// The smallest scale (power of ten) that turns every value into an exact
    /// integer below 2^53, or nil when there is none (NaN, Inf, -0, long fractions).
    static func decimalScale(_ values: ArraySlice<Double>) -> Int? {
        scales: for (scale, factor) in powersOfTen.enumerated() {
            for v in values {
                // v × 10^k is rarely exact in binary (0.29 × 100 = 28.999…), so round and
                // accept the scale when dividing back reproduces v's bits, as decoding does.
                let scaled = (v * factor).rounded()
                guard scaled.isFinite, abs(scaled) < 9_007_199_254_740_992,
                      (Double(Int64(scaled)) / factor).bitPattern == v.bitPattern else { continue scales }
            }
            return scale
        }
        return nil
    }

    /// Layout: `0x02` · `u16 count` · `u8 scale` · 1 bit "regular" · varint t0 ·
    /// uvarint t1-t0 · dod buckets unless regular · `varint first` · `varint minDelta`
    /// · `uvarint divisor` (common factor of the offsets, 1 for none) · `u8 width` · (count-1) × `width` bits of (delta - minDelta), or with width
    /// 0xFF (count-1) × (6-bit length L, then the low L-1 bits).
    private static func encodeDecimal(_ timestamps: ArraySlice<Int64>, _ values: ArraySlice<Double>) -> [UInt8]? {
        guard let scale = decimalScale(values) else { return nil }
        let factor = powersOfTen[scale]
        let ints = values.map { Int64(($0 * factor).rounded()) }
        var stream = BitWriter(reservingBytes: 64)
        stream.writeByte(decimal)
        stream.writeBits(UInt64(ints.count), count: 16)
        stream.writeByte(UInt8(scale))
        let ts = Array(timestamps)
        // Scrapes aligned to their interval give one delta for the whole chunk.
        let regular = ts.count < 3 || (2..<ts.count).allSatisfy { ts[$0] - ts[$0 - 1] == ts[1] - ts[0] }
        stream.writeBit(regular)
        stream.writeVarint(ts[0])
        if ts.count > 1 {
            var lastDelta = ts[1] - ts[0]
            stream.writeUvarint(UInt64(lastDelta))
            if !regular {
                for i in 2..<ts.count {
                    let delta = ts[i] - ts[i - 1]
                    XORChunk.writeDeltaOfDelta(delta - lastDelta, into: &stream)
                    lastDelta = delta
                }
            }
        }
        stream.writeVarint(ints[0])
        var deltas: [Int64] = []
        deltas.reserveCapacity(ints.count)
        for i in ints.indices.dropFirst() { deltas.append(ints[i] - ints[i - 1]) }
        let minDelta = deltas.min() ?? 0
        stream.writeVarint(minDelta)
        // Fixed width suits steady increments; a per-value length suits bursty ones.
        var offsets = deltas.map { UInt64(bitPattern: $0 &- minDelta) }
        // Values that move in fixed steps (memory in 4 KiB pages) store step counts.
        let divisor = max(1, offsets.reduce(UInt64(0)) { gcd($0, $1) })
        stream.writeUvarint(divisor)
        if divisor > 1 { offsets = offsets.map { $0 / divisor } }
        let width = 64 - (offsets.max() ?? 0).leadingZeroBitCount
        let fixedBits = width * offsets.count
        let variableBits = offsets.reduce(0) { $0 + 6 + max(0, (64 - $1.leadingZeroBitCount) - 1) }
        if variableBits < fixedBits {
            stream.writeByte(variableWidth)
            for o in offsets {
                let length = 64 - o.leadingZeroBitCount  // <= 55: integers stay below 2^53
                stream.writeBits(UInt64(length), count: 6)
                if length > 1 { stream.writeBits(o, count: length - 1) }  // the top 1 bit is implied
            }
        } else {
            stream.writeByte(UInt8(width))
            if width > 0 {
                for o in offsets { stream.writeBits(o, count: width) }
            }
        }
        return stream.bytes
    }

    private static func decodeDecimal(_ bytes: [UInt8], into timestamps: inout [Int64], _ values: inout [Double]) throws {
        func corrupt(_ what: String) -> TSDBError { TSDBError(.corrupt, "decimal chunk: \(what)") }
        var reader = BitReader(bytes, startingAt: 1)
        guard let count = reader.readBits(16), count > 0, let scale = reader.readBits(8),
              Int(scale) < powersOfTen.count else { throw corrupt("bad header") }
        guard let regular = reader.readBit(), var t = reader.readVarint() else { throw corrupt("truncated timestamps") }
        timestamps.append(t)
        var delta: Int64 = 0
        for i in 1..<Int(count) {
            if regular && i > 1 {
                // every delta equals the first
            } else if i == 1 {
                guard let d = reader.readUvarint(), d > 0, d <= UInt64(Int64.max) else { throw corrupt("bad first delta") }
                delta = Int64(d)
            } else {
                guard let dod = XORChunk.readDeltaOfDelta(&reader) else { throw corrupt("truncated timestamps") }
                delta = delta &+ dod
            }
            guard delta > 0 else { throw corrupt("timestamps not increasing") }
            t = t &+ delta
            timestamps.append(t)
        }
        let factor = powersOfTen[Int(scale)]
        guard var current = reader.readVarint(), let minDelta = reader.readVarint(),
              let divisor = reader.readUvarint(), divisor > 0, let width = reader.readBits(8), width <= 64 || width == UInt64(variableWidth) else {
            throw corrupt("truncated values")
        }
        values.append(Double(current) / factor)
        for _ in 1..<Int(count) {
            let packed: UInt64?
            if width == UInt64(variableWidth) {
                guard let length = reader.readBits(6) else { throw corrupt("truncated values") }
                packed = length <= 1 ? length : reader.readBits(Int(length) - 1).map { $0 | (1 << (length - 1)) }
            } else {
                packed = width == 0 ? 0 : reader.readBits(Int(width))
            }
            guard let packed else { throw corrupt("truncated values") }
            current = current &+ minDelta &+ Int64(bitPattern: packed &* divisor)
            values.append(Double(current) / factor)
        }
    }
}

private func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}
