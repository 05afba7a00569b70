import CZlib

/// gzip / zlib / raw deflate through the system zlib, with an output cap so a
/// small compressed body cannot expand into unbounded memory.
public enum Zlib {
    public enum Format: Sendable {
        case gzip, zlib, raw
        var windowBits: Int32 {
            switch self {
            case .gzip: return 15 + 16
            case .zlib: return 15
            case .raw: return -15
            }
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public enum Kind: Sendable { case corrupt, truncated, tooLarge }
        public let kind: Kind
        public let message: String
        public var description: String { message }
    }

    /// Decompresses `input`; throws `.tooLarge` as soon as the output would pass `limit` bytes.
    public static func decompress(_ input: UnsafeRawBufferPointer, format: Format = .gzip, limit: Int = .max) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, format.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(kind: .corrupt, message: "zlib: cannot initialise inflate")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(min(limit, max(input.count * 4, 4096)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        while true {
            let (status, produced): (Int32, Int) = chunk.withUnsafeMutableBufferPointer { buf in
                stream.next_out = buf.baseAddress
                stream.avail_out = uInt(buf.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, buf.count - Int(stream.avail_out))
            }
            if output.count + produced > limit {
                throw Failure(kind: .tooLarge, message: "decompressed body exceeds the limit of \(limit) bytes")
            }
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                // gzip allows several members back to back.
                if format == .gzip && stream.avail_in > 0 {
                    guard inflateReset(&stream) == Z_OK else {
                        throw Failure(kind: .corrupt, message: "invalid gzip data")
                    }
                    continue
                }
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                if stream.avail_in == 0 {
                    throw Failure(kind: .truncated, message: "compressed data ends early (truncated)")
                }
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                throw Failure(kind: .corrupt, message: "invalid \(format) data: \(reason)")
            }
        }
    }

    public static func decompress(_ input: [UInt8], format: Format = .gzip, limit: Int = .max) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0, format: format, limit: limit) }
    }

    /// Compresses `input` at `level` (0–9).
    public static func compress(_ input: UnsafeRawBufferPointer, format: Format = .gzip, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, level, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
        stream.avail_in = uInt(input.count)
        let written: Int = output.withUnsafeMutableBufferPointer { buf in
            stream.next_out = buf.baseAddress
            stream.avail_out = uInt(buf.count)
            let status = deflate(&stream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate with a bound-sized buffer must finish")
            return buf.count - Int(stream.avail_out)
        }
        output.removeSubrange(written...)
        return output
    }

    public static func compress(_ input: [UInt8], format: Format = .gzip, level: Int32 = 6) -> [UInt8] {
        input.withUnsafeBytes { compress($0, format: format, level: level) }
    }
}
