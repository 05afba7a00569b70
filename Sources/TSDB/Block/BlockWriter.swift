import Foundation
import PetrelCore

/// Writes an immutable block directory: `meta.json`, `index` and `chunks`,
/// first into `<id>.tmp`, fsynced, then renamed into place so a block is
/// either fully present or absent.
struct BlockWriter {
    static let indexMagic: [UInt8] = Array("PTSI".utf8)
    static let chunksMagic: [UInt8] = Array("PTSC".utf8)
    static let formatVersion: UInt8 = 1
    /// Uncompressed bytes per deflated page of the chunks file.
    static let pageSize = 64 * 1024

    let directory: String
    let chunkSamples: Int

    /// Writes `series` (sorted by labels, samples ascending and unique) as a block
    /// and returns its final meta. Series without samples are skipped.
    func write(_ series: [SeriesData], id: String, minTime: Int64, maxTime: Int64,
               level: Int, sources: [String], replayOffset: Int64) throws -> BlockMeta {
        let temp = directory + "/" + id + ".tmp"
        let final = directory + "/" + id
        try? FileManager.default.removeItem(atPath: temp)
        do {
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
        } catch {
            throw TSDBError(.io, "cannot create block directory \(temp)", cause: error)
        }

        // Chunks: encode, pack into pages, deflate each page.
        var chunksFile = BlockWriter.chunksMagic + [BlockWriter.formatVersion]
        var pageOffsets: [UInt64] = []
        var page: [UInt8] = []
        func flushPage() {
            guard !page.isEmpty else { return }
            pageOffsets.append(UInt64(chunksFile.count))
            let compressed = Zlib.compress(page, format: .raw, level: 9)
            BigEndian.append(UInt32(page.count), to: &chunksFile)
            BigEndian.append(UInt32(compressed.count), to: &chunksFile)
            BigEndian.append(CRC32C.checksum(compressed), to: &chunksFile)
            chunksFile += compressed
            page.removeAll(keepingCapacity: true)
        }
        struct ChunkMeta { var minT: Int64; var maxT: Int64; var count: Int; var ref: UInt64 }
        var kept: [(Labels, [ChunkMeta])] = []
        var numSamples = 0, numChunks = 0
        for s in series where s.count > 0 {
            var metas: [ChunkMeta] = []
            var start = 0
            while start < s.count {
                let end = min(start + chunkSamples, s.count)
                let bytes = BlockChunk.encode(s.timestamps[start..<end], s.values[start..<end])
                if page.count + bytes.count > BlockWriter.pageSize { flushPage() }
                let ref = UInt64(pageOffsets.count) << 32 | UInt64(page.count)
                Varint.appendUnsigned(UInt64(bytes.count), to: &page)
                page += bytes
                metas.append(ChunkMeta(minT: s.timestamps[start], maxT: s.timestamps[end - 1], count: end - start, ref: ref))
                start = end
            }
            numSamples += s.count
            numChunks += metas.count
            kept.append((s.labels, metas))
        }
        flushPage()

        // Index: symbols, series, postings, page table, checksum.
        var symbolSet: Set<String> = []
        for (labels, _) in kept { for l in labels { symbolSet.insert(l.name); symbolSet.insert(l.value) } }
        let symbols = symbolSet.sorted()
        var symbolIndex: [String: Int] = [:]
        for (i, s) in symbols.enumerated() { symbolIndex[s] = i }
        var index = BlockWriter.indexMagic + [BlockWriter.formatVersion]
        Varint.appendUnsigned(UInt64(symbols.count), to: &index)
        for s in symbols {
            Varint.appendUnsigned(UInt64(s.utf8.count), to: &index)
            index += Array(s.utf8)
        }
        var postings: [Label: [UInt64]] = [:]
        Varint.appendUnsigned(UInt64(kept.count), to: &index)
        for (id, (labels, metas)) in kept.enumerated() {
            Varint.appendUnsigned(UInt64(labels.count), to: &index)
            for l in labels {
                Varint.appendUnsigned(UInt64(symbolIndex[l.name]!), to: &index)
                Varint.appendUnsigned(UInt64(symbolIndex[l.value]!), to: &index)
                postings[l, default: []].append(UInt64(id))
            }
            Varint.appendUnsigned(UInt64(metas.count), to: &index)
            for m in metas {
                Varint.appendSigned(m.minT, to: &index)
                Varint.appendUnsigned(UInt64(m.maxT - m.minT), to: &index)
                Varint.appendUnsigned(UInt64(m.count), to: &index)
                Varint.appendUnsigned(m.ref, to: &index)
            }
        }
        Varint.appendUnsigned(UInt64(postings.count), to: &index)
        for (label, ids) in postings.sorted(by: { $0.key < $1.key }) {
            Varint.appendUnsigned(UInt64(symbolIndex[label.name]!), to: &index)
            Varint.appendUnsigned(UInt64(symbolIndex[label.value]!), to: &index)
            Varint.appendUnsigned(UInt64(ids.count), to: &index)
            var last: UInt64 = 0
            for id in ids {
                Varint.appendUnsigned(id - last, to: &index)
                last = id
            }
        }
        Varint.appendUnsigned(UInt64(pageOffsets.count), to: &index)
        for offset in pageOffsets { Varint.appendUnsigned(offset, to: &index) }
        BigEndian.append(CRC32C.checksum(index), to: &index)

        let meta = BlockMeta(id: id, minTime: minTime, maxTime: maxTime,
                             stats: .init(numSeries: kept.count, numSamples: numSamples, numChunks: numChunks),
                             compaction: .init(level: level, sources: sources), replayOffset: replayOffset)
        try FileIO.write(chunksFile, to: temp + "/chunks")
        try FileIO.write(index, to: temp + "/index")
        try FileIO.write(try meta.encoded(), to: temp + "/" + BlockMeta.fileName)
        try FileIO.syncDirectory(temp)
        guard rename(temp, final) == 0 else { throw FileIO.error("rename", temp) }
        try FileIO.syncDirectory(directory)
        return meta
    }
}
