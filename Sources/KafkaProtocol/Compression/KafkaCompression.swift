import CCompression
import PetrelCore

/// Kafka's snappy, lz4 and zstd record batch codecs over the system
/// libraries, so Petrel's own readers can decode batches any producer wrote.
/// `install()` registers the decompressors with PetrelCore's `RecordDecompressors`.
public enum KafkaCompression {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Registers snappy, lz4 and zstd with `RecordDecompressors`; call once at start-up.
    public static func install() {
        RecordDecompressors.register(.snappy) { body, limit in try snappyDecompress(body, limit: limit) }
        RecordDecompressors.register(.lz4) { body, limit in try lz4Decompress(body, limit: limit) }
        RecordDecompressors.register(.zstd) { body, limit in try zstdDecompress(body, limit: limit) }
    }

    // MARK: - snappy

    /// The header Java's snappy-java (xerial) stream starts with.
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]

    /// Raw snappy (librdkafka) or xerial framing (Java: 16-byte header, then
    /// blocks of int32 length + raw snappy).
    public static func snappyDecompress(_ body: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        if body.count >= 16 && Array(body[0..<8]) == xerialMagic {
            var out: [UInt8] = []
            var position = 16
            while position < body.count {
                guard position + 4 <= body.count else { throw Failure("snappy: truncated xerial block length") }
                let length = Int(BigEndian.read(Int32.self, body, at: position))
                position += 4
                guard length >= 0, position + length <= body.count else { throw Failure("snappy: xerial block of \(length) bytes is truncated") }
                out += try snappyRaw(UnsafeRawBufferPointer(rebasing: body[position..<(position + length)]), limit: limit - out.count)
                position += length
            }
            return out
        }
        return try snappyRaw(body, limit: limit)
    }

    private static func snappyRaw(_ input: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        guard let base = input.baseAddress?.assumingMemoryBound(to: CChar.self) else { return [] }
        var length = 0
        guard snappy_uncompressed_length(base, input.count, &length) == SNAPPY_OK else { throw Failure("snappy: bad header") }
        guard length <= limit else { throw Failure("snappy: \(length) bytes exceed the limit of \(limit)") }
        var out = [UInt8](repeating: 0, count: length)
        var outLength = length
        let status = out.withUnsafeMutableBytes { dst in
            snappy_uncompress(base, input.count, dst.baseAddress!.assumingMemoryBound(to: CChar.self), &outLength)
        }
        guard status == SNAPPY_OK else { throw Failure("snappy: corrupt input") }
        return Array(out[0..<outLength])
    }

    // MARK: - lz4 (frame format)

    public static func lz4Decompress(_ body: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            throw Failure("lz4: cannot create a decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var position = 0
        while true {
            var srcSize = body.count - position
            var dstSize = chunk.count
            let hint = chunk.withUnsafeMutableBytes { dst in
                LZ4F_decompress(context, dst.baseAddress, &dstSize, body.baseAddress.map { $0 + position }, &srcSize, nil)
            }
            guard LZ4F_isError(hint) == 0 else { throw Failure("lz4: \(String(cString: LZ4F_getErrorName(hint)))") }
            out.append(contentsOf: chunk[0..<dstSize])
            guard out.count <= limit else { throw Failure("lz4: output exceeds the limit of \(limit)") }
            position += srcSize
            if hint == 0 { return out }
            if srcSize == 0 && dstSize == 0 { throw Failure("lz4: truncated frame") }
        }
    }

    // MARK: - zstd

    public static func zstdDecompress(_ body: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { throw Failure("zstd: cannot create a stream") }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 128 * 1024)
        var input = ZSTD_inBuffer(src: body.baseAddress, size: body.count, pos: 0)
        while true {
            let (result, produced) = chunk.withUnsafeMutableBytes { dst -> (Int, Int) in
                var output = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                let r = ZSTD_decompressStream(stream, &output, &input)
                return (r, output.pos)
            }
            guard ZSTD_isError(result) == 0 else { throw Failure("zstd: \(String(cString: ZSTD_getErrorName(result)))") }
            out.append(contentsOf: chunk[0..<produced])
            guard out.count <= limit else { throw Failure("zstd: output exceeds the limit of \(limit)") }
            if result == 0 && input.pos == input.size { return out }
            if produced == 0 && input.pos == input.size { throw Failure("zstd: truncated frame") }
        }
    }

    // MARK: - compression (for tests and Petrel's own producers)

    public static func snappyCompress(_ input: [UInt8]) -> [UInt8] {
        var length = snappy_max_compressed_length(input.count)
        var out = [UInt8](repeating: 0, count: length)
        _ = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                                dst.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        return Array(out[0..<length])
    }

    public static func lz4Compress(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: LZ4F_compressFrameBound(input.count, nil))
        let size = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in LZ4F_compressFrame(dst.baseAddress, dst.count, src.baseAddress, input.count, nil) }
        }
        return Array(out[0..<size])
    }

    public static func zstdCompress(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let size = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in ZSTD_compress(dst.baseAddress, dst.count, src.baseAddress, input.count, 3) }
        }
        return Array(out[0..<size])
    }
}
