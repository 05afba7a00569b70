/// One header of a Kafka record: a string key and optional bytes.
public struct RecordHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// One event in a topic, as a Kafka record: what producers send and consumers
/// read. The offset is assigned by the log when the record is appended.
public struct Record: Sendable, Hashable {
    /// Position in the partition; ignored on append, set by the log.
    public var offset: Int64
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [RecordHeader]

    public init(offset: Int64 = 0, timestamp: Int64, key: [UInt8]? = nil, value: [UInt8]?, headers: [RecordHeader] = []) {
        self.offset = offset
        self.timestamp = timestamp
        self.key = key
        self.value = value
        self.headers = headers
    }
}
