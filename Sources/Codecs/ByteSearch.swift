#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds bytes in memory with the C library's vectorised `memchr`: the line
/// splitters spend most of their time looking for `\n`.
enum ByteSearch {
    /// The index of the first `byte` in `base[from..<to]`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Whether `base[from..<to]` contains `byte`.
    @inline(__always)
    static func contains(_ byte: UInt8, in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Bool {
        from < to && memchr(base + from, Int32(byte), to - from) != nil
    }

    /// Lexicographic byte order of two buffers, as Go's `bytes.Compare`.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, common)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }
}
