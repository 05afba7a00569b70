/// Memory a `LineProtocolParser` reuses from line to line, so parsing a line
/// allocates nothing: tag and field slots sized by the options, and a byte area
/// for unescaped names that grows to the longest line seen.
final class LineScratch {
    let tags: UnsafeMutablePointer<TagSlot>
    let tagCapacity: Int
    let fields: UnsafeMutablePointer<FieldSlot>
    let fieldCapacity: Int
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private(set) var byteCapacity: Int

    init(options: LineProtocolOptions) {
        // Room for one slot past the limit, so "too many" is detected after storing.
        tagCapacity = options.maxTags + 1
        fieldCapacity = options.maxFields + 1
        tags = .allocate(capacity: tagCapacity)
        fields = .allocate(capacity: fieldCapacity)
        byteCapacity = 4096
        bytes = .allocate(capacity: byteCapacity)
    }

    /// Makes the byte area at least `count` bytes long. Invalidates earlier views into it.
    @inline(__always)
    func reserveBytes(_ count: Int) {
        guard count > byteCapacity else { return }
        bytes.deallocate()
        byteCapacity = max(count, byteCapacity * 2)
        bytes = .allocate(capacity: byteCapacity)
    }

    deinit {
        tags.deallocate()
        fields.deallocate()
        bytes.deallocate()
    }
}
