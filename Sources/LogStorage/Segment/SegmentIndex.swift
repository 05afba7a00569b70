import PetrelCore

/// The sparse offset and time indexes of one segment, held in memory and
/// written to `.index` / `.timeindex` when the segment is sealed or closed.
///
/// An entry is added at the start of a batch once ~4 KiB has been written
/// since the previous entry, so a lookup scans at most a few KiB.
struct SegmentIndex {
    /// Bytes written between two index entries.
    static let interval = 4096
    static let offsetEntrySize = 8
    static let timeEntrySize = 12

    /// Offset index: batch base offset relative to the segment, and its file position.
    private(set) var relativeOffsets: [UInt32] = []
    private(set) var positions: [UInt32] = []
    /// Time index: the largest timestamp of every record before `timeOffsets[i]`.
    private(set) var timestamps: [Int64] = []
    private(set) var timeOffsets: [UInt32] = []

    var count: Int { relativeOffsets.count }
    var last: (relativeOffset: UInt32, position: Int)? {
        count == 0 ? nil : (relativeOffsets[count - 1], Int(positions[count - 1]))
    }
    var lastTimestamp: Int64? { timestamps.last }

    mutating func add(relativeOffset: UInt32, position: Int, maxTimestampBefore: Int64) {
        relativeOffsets.append(relativeOffset)
        positions.append(UInt32(position))
        timestamps.append(maxTimestampBefore)
        timeOffsets.append(relativeOffset)
    }

    /// The file position of the last indexed batch starting at or before `relativeOffset`; 0 when none.
    func position(atOrBefore relativeOffset: UInt32) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if relativeOffsets[mid] <= relativeOffset { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 0 : Int(positions[low - 1])
    }

    /// A file position before which no record has a timestamp >= `timestamp`; 0 when none is known.
    func position(beforeTimestamp timestamp: Int64) -> Int {
        var low = 0, high = timestamps.count
        while low < high {
            let mid = (low + high) / 2
            if timestamps[mid] < timestamp { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 0 : Int(positions[low - 1])
    }

    // MARK: - Files

    func encodeOffsetIndex() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * SegmentIndex.offsetEntrySize)
        for i in 0..<count {
            BigEndian.append(relativeOffsets[i], to: &out)
            BigEndian.append(positions[i], to: &out)
        }
        return out
    }

    func encodeTimeIndex() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * SegmentIndex.timeEntrySize)
        for i in 0..<count {
            BigEndian.append(timestamps[i], to: &out)
            BigEndian.append(timeOffsets[i], to: &out)
        }
        return out
    }

    /// Decodes both index files; nil when they disagree, are out of order, or
    /// point past `segmentSize` — the caller then rebuilds by scanning.
    static func decode(offsetIndex: [UInt8], timeIndex: [UInt8], segmentSize: Int) -> SegmentIndex? {
        guard offsetIndex.count % offsetEntrySize == 0, timeIndex.count % timeEntrySize == 0,
              offsetIndex.count / offsetEntrySize == timeIndex.count / timeEntrySize else { return nil }
        var index = SegmentIndex()
        let entries = offsetIndex.count / offsetEntrySize
        let ok = offsetIndex.withUnsafeBytes { o in
            timeIndex.withUnsafeBytes { t in
                for i in 0..<entries {
                    let relative = BigEndian.read(UInt32.self, o, at: i * offsetEntrySize)
                    let position = BigEndian.read(UInt32.self, o, at: i * offsetEntrySize + 4)
                    let timestamp = BigEndian.read(Int64.self, t, at: i * timeEntrySize)
                    let timeRelative = BigEndian.read(UInt32.self, t, at: i * timeEntrySize + 8)
                    if timeRelative != relative || Int(position) >= segmentSize { return false }
                    if let last = index.relativeOffsets.last, relative <= last { return false }
                    if let lastPosition = index.positions.last, position <= lastPosition { return false }
                    if let lastTime = index.timestamps.last, timestamp < lastTime { return false }
                    index.add(relativeOffset: relative, position: Int(position), maxTimestampBefore: timestamp)
                }
                return true
            }
        }
        return ok ? index : nil
    }
}
