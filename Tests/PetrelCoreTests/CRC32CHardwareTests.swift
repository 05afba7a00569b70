import Testing
@testable import PetrelCore

@Suite struct CRC32CHardwareTests {
    /// Checksums `bytes` both ways.
    private func both(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> (UInt32, UInt32) {
        (CRC32C.checksum(bytes, continuing: crc), CRC32C.softwareChecksum(bytes, continuing: crc))
    }

    @Test("this x86-64 machine uses the CRC instruction")
    func hardwareIsUsedHere() {
        #if arch(x86_64)
        // Every x86-64 CPU of the last fifteen years has SSE4.2.
        #expect(CRC32C.usesHardware)
        #endif
    }

    @Test("the table implementation matches the published check value and RFC 3720 vectors")
    func softwareKnownVectors() {
        func soft(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { CRC32C.softwareChecksum($0) } }
        #expect(soft(Array("123456789".utf8)) == 0xE306_9283)
        #expect(soft([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(soft([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(soft([UInt8]((0..<32).map { UInt8($0) })) == 0x46DD_794E)
    }

    @Test("hardware and table give the same CRC for random buffers of every length class, at odd offsets")
    func randomBuffersAgree() {
        var rng = SplitMix64(seed: 0xC5C3_2C)
        // Lengths around the interleaved loop's lane boundaries (3 × 128, 3 × 1024, 3 × 8192) and odd ones.
        let lengths = [0, 1, 7, 8, 9, 63, 383, 384, 385, 3071, 3072, 3073, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 5, 100_003, 1 << 20]
        let big = (0..<((1 << 20) + 64)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        big.withUnsafeBytes { all in
            for length in lengths {
                for offset in [0, 1, 3, 7] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    let seed = UInt32.random(in: 0...UInt32.max, using: &rng)
                    let (hardware, software) = both(slice, continuing: seed)
                    #expect(hardware == software, "length \(length) offset \(offset)")
                }
            }
            for _ in 0..<200 {
                let length = Int.random(in: 0..<70_000, using: &rng)
                let offset = Int.random(in: 0..<64, using: &rng)
                let (hardware, software) = both(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)]))
                #expect(hardware == software, "length \(length) offset \(offset)")
            }
        }
    }

    @Test("a long buffer checksummed in uneven pieces equals it checksummed at once")
    func piecesOfLongBuffers() {
        var rng = SplitMix64(seed: 42)
        let data = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let whole = CRC32C.checksum(data)
        data.withUnsafeBytes { all in
            var crc: UInt32 = 0
            var at = 0
            while at < all.count {
                let end = min(all.count, at + Int.random(in: 1...40_000, using: &rng))
                crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: all[at..<end]), continuing: crc)
                at = end
            }
            #expect(crc == whole)
        }
    }
}
