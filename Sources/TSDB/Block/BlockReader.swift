import Foundation
import PetrelCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An opened block: its index held in memory, chunk pages read from the
/// `chunks` file on demand (the descriptor stays open, so a block deleted by
/// compaction stays readable by queries that still hold it).
final class BlockReader: Sendable {
    struct ChunkMeta: Sendable {
        var minT: Int64
        var maxT: Int64
        var count: Int
        var ref: UInt64
    }

    let meta: BlockMeta
    let directory: String
    let seriesLabels: [Labels]
    let seriesChunks: [[ChunkMeta]]
    private let postingsIndex: [String: [String: [UInt64]]]
    private let pageOffsets: [UInt64]
    private let chunksFD: Int32
    private let chunksSize: Int64
    private let pageCache = Mutex<[Int: [UInt8]]>([:])
    let sizeOnDisk: Int64

    init(directory: String) throws {
        self.directory = directory
        meta = try BlockMeta.read(from: directory)
        let index = try FileIO.readAll(directory + "/index")
        func corrupt(_ what: String) -> TSDBError { TSDBError(.corrupt, "block index \(directory)/index: \(what)") }
        guard index.count >= 9, Array(index[0..<4]) == BlockWriter.indexMagic,
              index[4] == BlockWriter.formatVersion else { throw corrupt("bad magic or version") }
        let body = index[0..<(index.count - 4)]
        let stored = index.withUnsafeBytes { BigEndian.read(UInt32.self, $0, at: index.count - 4) }
        guard CRC32C.checksum(body) == stored else { throw corrupt("checksum mismatch") }

        var labels: [Labels] = [], chunks: [[ChunkMeta]] = [], postings: [String: [String: [UInt64]]] = [:]
        var pages: [UInt64] = []
        try Array(body).withUnsafeBytes { buf in
            var at = 5
            func uv() throws -> UInt64 {
                guard let v = Varint.readUnsigned(buf, at: &at) else { throw corrupt("truncated at byte \(at)") }
                return v
            }
            func sv() throws -> Int64 {
                guard let v = Varint.readSigned(buf, at: &at) else { throw corrupt("truncated at byte \(at)") }
                return v
            }
            var symbols: [String] = []
            let symbolCount = try uv()
            for _ in 0..<symbolCount {
                let len = Int(clamping: try uv())
                guard len <= buf.count - at else { throw corrupt("symbol overruns the file at byte \(at)") }
                symbols.append(String(decoding: UnsafeRawBufferPointer(rebasing: buf[at..<(at + len)]), as: UTF8.self))
                at += len
            }
            func symbol() throws -> String {
                let i = Int(clamping: try uv())
                guard i < symbols.count else { throw corrupt("symbol \(i) out of range") }
                return symbols[i]
            }
            let seriesCount = try uv()
            for _ in 0..<seriesCount {
                var pairs: [Label] = []
                for _ in 0..<(try uv()) { pairs.append(Label(try symbol(), try symbol())) }
                labels.append(Labels(sortedUnchecked: pairs))
                var metas: [ChunkMeta] = []
                for _ in 0..<(try uv()) {
                    let minT = try sv()
                    let span = try uv()
                    guard span <= UInt64(Int64.max) else { throw corrupt("bad chunk span") }
                    metas.append(ChunkMeta(minT: minT, maxT: minT &+ Int64(span), count: Int(clamping: try uv()), ref: try uv()))
                }
                chunks.append(metas)
            }
            for _ in 0..<(try uv()) {
                let name = try symbol(), value = try symbol()
                var ids: [UInt64] = []
                var last: UInt64 = 0
                for _ in 0..<(try uv()) {
                    last &+= try uv()
                    guard last < seriesCount else { throw corrupt("posting \(last) out of range") }
                    ids.append(last)
                }
                postings[name, default: [:]][value] = ids
            }
            for _ in 0..<(try uv()) { pages.append(try uv()) }
        }
        seriesLabels = labels
        seriesChunks = chunks
        postingsIndex = postings
        pageOffsets = pages
        let fd = open(directory + "/chunks", O_RDONLY)
        guard fd >= 0 else { throw FileIO.error("open", directory + "/chunks") }
        chunksFD = fd
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else {
            close(fd)
            throw FileIO.error("seek", directory + "/chunks")
        }
        chunksSize = Int64(end)
        sizeOnDisk = FileIO.directorySize(directory)
    }

    deinit { close(chunksFD) }

    /// The decoded bytes of one chunk.
    func chunk(_ ref: UInt64) throws -> [UInt8] {
        let page = try self.page(Int(ref >> 32))
        var at = Int(ref & 0xFFFF_FFFF)
        return try page.withUnsafeBytes { buf in
            guard let len = Varint.readUnsigned(buf, at: &at), len <= UInt64(buf.count - at) else {
                throw TSDBError(.corrupt, "block \(meta.id): chunk ref \(ref) is out of range")
            }
            return Array(buf[at..<(at + Int(len))])
        }
    }

    private func page(_ number: Int) throws -> [UInt8] {
        if let cached = pageCache.withLock({ $0[number] }) { return cached }
        guard number < pageOffsets.count else { throw TSDBError(.corrupt, "block \(meta.id): page \(number) missing") }
        let offset = off_t(pageOffsets[number])
        var header = [UInt8](repeating: 0, count: 12)
        try readExactly(&header, at: offset)
        let (rawLen, compLen, crc) = header.withUnsafeBytes {
            (BigEndian.read(UInt32.self, $0, at: 0), BigEndian.read(UInt32.self, $0, at: 4), BigEndian.read(UInt32.self, $0, at: 8))
        }
        guard Int64(offset) + 12 + Int64(compLen) <= chunksSize else {
            throw TSDBError(.corrupt, "block \(meta.id): page \(number) overruns the chunks file")
        }
        var compressed = [UInt8](repeating: 0, count: Int(compLen))
        try readExactly(&compressed, at: offset + 12)
        guard CRC32C.checksum(compressed) == crc else {
            throw TSDBError(.corrupt, "block \(meta.id): page \(number) checksum mismatch")
        }
        let raw: [UInt8]
        do {
            raw = try Zlib.decompress(compressed, format: .raw, limit: Int(rawLen))
        } catch {
            throw TSDBError(.corrupt, "block \(meta.id): page \(number) does not inflate", cause: error)
        }
        pageCache.withLock { cache in
            if cache.count >= 32 { cache.removeAll(keepingCapacity: true) }
            cache[number] = raw
        }
        return raw
    }

    private func readExactly(_ buffer: inout [UInt8], at offset: off_t) throws {
        let fd = chunksFD
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
        guard n == buffer.count else {
            throw TSDBError(.corrupt, "block \(meta.id): chunks file ends early at \(offset)")
        }
    }

    /// Samples of series `id` within [mint, maxt].
    func samples(_ id: Int, mint: Int64, maxt: Int64) throws -> SampleMerge.Columns {
        var ts: [Int64] = [], vs: [Double] = []
        for m in seriesChunks[id] where m.maxT >= mint && m.minT <= maxt {
            try BlockChunk.decode(try chunk(m.ref), into: &ts, &vs)
        }
        return SampleMerge.clip((ts, vs), mint: mint, maxt: maxt)
    }

    /// Upper bound of the samples of series `id` within [mint, maxt].
    func estimatedSamples(_ id: Int, mint: Int64, maxt: Int64) -> Int {
        seriesChunks[id].reduce(0) { $0 + ($1.maxT >= mint && $1.minT <= maxt ? $1.count : 0) }
    }
}

extension BlockReader: IndexReader {
    func labelValues(_ name: String) -> [String] { postingsIndex[name].map { Array($0.keys) }?.sorted() ?? [] }
    func postings(_ name: String, _ value: String) -> [UInt64] { postingsIndex[name]?[value] ?? [] }
    func allPostings() -> [UInt64] { (0..<UInt64(seriesLabels.count)).map { $0 } }
    func labelNames() -> [String] { postingsIndex.keys.sorted() }
}
