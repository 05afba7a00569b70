import Testing
@testable import Pipeline

@Suite struct StatsDKeyTableTests {
    func find(_ table: StatsDKeyTable, _ key: String) -> Int? {
        Array(key.utf8).withUnsafeBytes { table.find($0, hash: StatsDKeyTable.hash($0)) }
    }

    func insert(_ table: inout StatsDKeyTable, _ key: String, _ value: Int) {
        Array(key.utf8).withUnsafeBytes { table.insert($0, hash: StatsDKeyTable.hash($0), value: value) }
    }

    @Test("keys are found by their bytes after the table grows, and forgotten by removeAll")
    func findAfterGrowth() {
        var table = StatsDKeyTable(capacity: 4)
        for i in 0..<5000 { insert(&table, "bench.w0.m\(i)|#shard:\(i % 8)", i) }
        #expect(table.count == 5000)
        for i in stride(from: 0, to: 5000, by: 7) { #expect(find(table, "bench.w0.m\(i)|#shard:\(i % 8)") == i) }
        #expect(find(table, "bench.w0.m1|#shard:2") == nil)
        #expect(find(table, "") == nil)
        table.removeAll()
        #expect(table.count == 0)
        #expect(find(table, "bench.w0.m3|#shard:3") == nil)
        insert(&table, "", 7)
        #expect(find(table, "") == 7)
    }

    @Test("keys that differ in one byte or in length hash apart and are told apart")
    func nearKeys() {
        var table = StatsDKeyTable()
        let keys = ["a", "b", "ab", "abcdefgh", "abcdefgi", "abcdefghi", "abcdefgh\u{0}"]
        for (i, key) in keys.enumerated() { insert(&table, key, i) }
        for (i, key) in keys.enumerated() { #expect(find(table, key) == i, "\(key)") }
        let hashes = Set(keys.map { Array($0.utf8).withUnsafeBytes { StatsDKeyTable.hash($0) } })
        #expect(hashes.count == keys.count)
    }
}
