import CCompression

/// Snappy's block format (no framing), as Prometheus remote write sends its
/// bodies: the uncompressed length as a varint, then the compressed stream.
public enum SnappyBlock {
    /// Decompresses `input`, refusing a stream that announces more than
    /// `maxBytes` so a small body cannot claim a huge allocation.
    public static func decompress(_ input: [UInt8], maxBytes: Int) throws(CodecError) -> [UInt8] {
        guard !input.isEmpty else { throw failure("snappy: empty body") }
        var length = 0
        let headerOK = input.withUnsafeBytes { raw in
            snappy_uncompressed_length(raw.baseAddress!.assumingMemoryBound(to: CChar.self), input.count, &length) == SNAPPY_OK
        }
        guard headerOK else { throw failure("snappy: corrupt input (bad length header)") }
        guard length <= maxBytes else {
            throw failure("snappy: decompressed size \(length) bytes exceeds the limit of \(maxBytes) bytes")
        }
        var output = [UInt8](repeating: 0, count: length)
        var outLength = length
        let status = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                snappy_uncompress(src.baseAddress!.assumingMemoryBound(to: CChar.self), input.count,
                                  dst.baseAddress?.assumingMemoryBound(to: CChar.self), &outLength)
            }
        }
        guard status == SNAPPY_OK, outLength == length else { throw failure("snappy: corrupt input") }
        return output
    }

    /// Compresses `input` into one snappy block (what a remote-write sender does).
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        var length = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBytes { src in
            output.withUnsafeMutableBytes { dst in
                snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
                                dst.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        precondition(status == SNAPPY_OK, "snappy_compress failed on a buffer of its own maximum size")
        output.removeSubrange(length...)
        return output
    }

    static func failure(_ message: String) -> CodecError {
        CodecError(code: .remoteWrite, message: message, line: 0, byteOffset: 0, text: "")
    }
}
