import Testing
@testable import Broker

@Suite("consumer protocol assignment decoding")
struct GroupAssignmentDecodingTests {
    /// version, topics (name, partitions), user data, as Kafka clients encode them.
    private func encode(version: Int16, _ topics: [(String, [Int32])], userData: [UInt8]? = nil) -> [UInt8] {
        var out: [UInt8] = []
        func int16(_ v: Int16) { out += [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
        func int32(_ v: Int32) { out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        int16(version)
        int32(Int32(topics.count))
        for (name, partitions) in topics {
            int16(Int16(name.utf8.count))
            out += Array(name.utf8)
            int32(Int32(partitions.count))
            partitions.forEach(int32)
        }
        if let userData {
            int32(Int32(userData.count))
            out += userData
        } else {
            int32(-1)
        }
        return out
    }

    @Test("topics and partitions are read from every version, user data ignored")
    func decodes() {
        let bytes = encode(version: 1, [("orders", [0, 2]), ("logs", [1])], userData: [1, 2, 3])
        #expect(ConsumerProtocolAssignment.decode(bytes) == ["orders": [0, 2], "logs": [1]])
        #expect(ConsumerProtocolAssignment.decode(encode(version: 3, [])) == [:])
    }

    @Test("truncated or foreign bytes decode to nil instead of crashing")
    func rejectsGarbage() {
        let bytes = encode(version: 0, [("orders", [0, 1, 2])])
        for cut in 0..<(bytes.count - 4) {
            #expect(ConsumerProtocolAssignment.decode(Array(bytes.prefix(cut))) == nil)
        }
        #expect(ConsumerProtocolAssignment.decode([0xFF, 0xFF, 0, 0, 0, 1]) == nil)
        #expect(ConsumerProtocolAssignment.decode([0, 0, 0x7F, 0xFF, 0xFF, 0xFF]) == nil)
    }
}
