import PetrelCore
import Testing
@testable import TSDB

@Suite("Gorilla and block chunks")
struct XORChunkTests {
    /// Random sample columns with the hard cases: NaN, ±Inf, repeats, huge gaps.
    static func randomSamples(count: Int, seed: UInt64) -> ([Int64], [Double]) {
        var rng = SplitMix64(seed: seed)
        var t = Int64(bitPattern: rng.next() % 4_000_000_000_000) - 1_000_000_000_000
        var ts: [Int64] = [], vs: [Double] = []
        var v = 0.0
        for _ in 0..<count {
            switch rng.next() % 10 {
            case 0: t += Int64(rng.next() % (1 << 40)) + 1           // huge gap
            case 1: t += 1
            default: t += 15_000 + Int64(rng.next() % 20) - 10
            }
            switch rng.next() % 12 {
            case 0: v = .nan
            case 1: v = .infinity
            case 2: v = -.infinity
            case 3: v = StaleMarker.value
            case 4, 5: break                                          // repeat
            case 6: v = Double(bitPattern: rng.next())
            case 7: v = Double(Int(rng.next() % 1000))
            default: v = (v.isFinite ? v : 0) + Double(rng.next() % 10_000) / 100
            }
            ts.append(t)
            vs.append(v)
        }
        return (ts, vs)
    }

    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test("XOR chunks round-trip random samples bit for bit", arguments: 0..<200)
    func xorRoundTrip(seed: Int) throws {
        let (ts, vs) = Self.randomSamples(count: 1 + seed % 300, seed: UInt64(seed))
        var chunk = XORChunk()
        for (t, v) in zip(ts, vs) { chunk.append(t, v) }
        var outT: [Int64] = [], outV: [Double] = []
        try XORChunk.decode(chunk.bytes, into: &outT, &outV)
        #expect(outT == ts)
        #expect(Self.sameBits(outV, vs))
        #expect(chunk.count == ts.count)
    }

    @Test("decoding a time window returns exactly the samples inside it", arguments: 0..<50)
    func xorWindow(seed: Int) throws {
        let (ts, vs) = Self.randomSamples(count: 2 + seed % 250, seed: UInt64(seed) &+ 991)
        var chunk = XORChunk()
        for (t, v) in zip(ts, vs) { chunk.append(t, v) }
        let a = ts[seed % ts.count], b = ts[(seed * 7 + 1) % ts.count]
        let (mint, maxt) = (min(a, b), max(a, b))
        var outT: [Int64] = [], outV: [Double] = []
        try XORChunk.decode(chunk.bytes, into: &outT, &outV, mint: mint, maxt: maxt)
        let expected = zip(ts, vs).filter { $0.0 >= mint && $0.0 <= maxt }
        #expect(outT == expected.map(\.0))
        #expect(Self.sameBits(outV, expected.map(\.1)))
    }

    @Test("block chunks round-trip random samples with either encoding", arguments: 0..<100)
    func blockRoundTrip(seed: Int) throws {
        let (ts, vs) = Self.randomSamples(count: 1 + seed % 200, seed: UInt64(seed) &+ 77)
        let bytes = BlockChunk.encode(ts[...], vs[...])
        var outT: [Int64] = [], outV: [Double] = []
        try BlockChunk.decode(bytes, into: &outT, &outV)
        #expect(outT == ts)
        #expect(Self.sameBits(outV, vs))
    }

    @Test("decimal-looking values round-trip through the decimal encoding", arguments: 0..<100)
    func decimalRoundTrip(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 991)
        let count = 2 + Int(rng.next() % 600)
        let regular = seed % 2 == 0
        var t = Int64(rng.next() % 1_000_000_000_000)
        var v = Double(rng.next() % 1_000_000)
        let scale = [1.0, 10, 100, 1000][seed % 4]
        var ts: [Int64] = [], vs: [Double] = []
        for _ in 0..<count {
            t += regular ? 15_000 : 1 + Int64(rng.next() % 100_000)
            switch seed % 5 {
            case 0: v += Double(rng.next() % 4) * 4096                         // page steps
            case 1: v += (Double(rng.next() % 1_000_000) / scale * scale).rounded() / scale  // bursts
            case 2: break                                                      // constant
            case 3: v = ((v + Double(Int(rng.next() % 2001)) - 1000) * scale).rounded() / scale
            default: v = (v * scale + Double(rng.next() % 20)).rounded() / scale
            }
            ts.append(t)
            vs.append(v)
        }
        let bytes = BlockChunk.encode(ts[...], vs[...])
        var outT: [Int64] = [], outV: [Double] = []
        try BlockChunk.decode(bytes, into: &outT, &outV)
        #expect(outT == ts)
        #expect(Self.sameBits(outV, vs))
        if seed % 10 == 2 { #expect(bytes.count < 40) }  // constant values, regular timestamps
    }

    @Test("decimal counters use the decimal encoding and round-trip")
    func decimalCounters() throws {
        var ts: [Int64] = [], vs: [Double] = []
        var v = 1234.56
        for i in 0..<120 {
            ts.append(Int64(i) * 15_000)
            v += Double(i % 7) * 0.01 + 0.5
            vs.append((v * 100).rounded() / 100)
        }
        let bytes = BlockChunk.encode(ts[...], vs[...])
        #expect(bytes[0] == BlockChunk.decimal)
        var outT: [Int64] = [], outV: [Double] = []
        try BlockChunk.decode(bytes, into: &outT, &outV)
        #expect(outT == ts)
        #expect(Self.sameBits(outV, vs))
    }

    @Test("truncated chunks throw instead of crashing")
    func truncated() {
        var chunk = XORChunk()
        for i in 0..<50 { chunk.append(Int64(i) * 1000, Double(i) * 1.5) }
        let bytes = chunk.bytes
        for cut in [1, 3, 10, bytes.count / 2, bytes.count - 2] {
            var t: [Int64] = [], v: [Double] = []
            #expect(throws: TSDBError.self) { try XORChunk.decode(Array(bytes[..<cut]), into: &t, &v) }
        }
        var t: [Int64] = [], v: [Double] = []
        #expect(throws: TSDBError.self) { try BlockChunk.decode([9, 1, 2], into: &t, &v) }
    }
}

