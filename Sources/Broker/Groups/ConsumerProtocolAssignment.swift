/// Decodes the assignment bytes of Kafka's "consumer" protocol (what Java,
/// librdkafka, kafka-python and aiokafka leaders write in SyncGroup), so the
/// admin API can show which member reads which partitions. The broker itself
/// relays the bytes unread.
///
/// Layout (all versions 0–3 start alike): int16 version, int32 topic count,
/// per topic an int16-length string and an int32 count of int32 partitions,
/// then user data (ignored).
public enum ConsumerProtocolAssignment {
    /// Topic → partitions, or nil when the bytes are not a consumer-protocol assignment.
    public static func decode(_ bytes: [UInt8]) -> [String: [Int]]? {
        var position = 0
        func int(_ size: Int) -> Int64? {
            guard position + size <= bytes.count else { return nil }
            var value: Int64 = 0
            for i in 0..<size { value = value << 8 | Int64(bytes[position + i]) }
            position += size
            // Sign-extend.
            let shift = Int64(64 - 8 * size)
            return (value << shift) >> shift
        }
        guard let version = int(2), version >= 0, let topicCount = int(4), topicCount >= 0,
              topicCount <= Int64(bytes.count) else { return nil }
        var result: [String: [Int]] = [:]
        for _ in 0..<topicCount {
            guard let length = int(2), length >= 0, position + Int(length) <= bytes.count else { return nil }
            let topic = String(decoding: bytes[position..<(position + Int(length))], as: UTF8.self)
            position += Int(length)
            guard let count = int(4), count >= 0, count <= Int64(bytes.count) else { return nil }
            var partitions: [Int] = []
            for _ in 0..<count {
                guard let partition = int(4) else { return nil }
                partitions.append(Int(partition))
            }
            result[topic, default: []] += partitions
        }
        return result
    }
}
