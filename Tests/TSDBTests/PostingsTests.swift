import PetrelCore
import Testing
@testable import TSDB

@Suite("Postings and matchers")
struct PostingsTests {
    @Test("intersection, union and subtraction of sorted lists")
    func setOperations() {
        #expect(Postings.intersect([1, 3, 5, 7], [3, 4, 5, 8]) == [3, 5])
        #expect(Postings.intersect([[1, 2, 3], [2, 3], [3, 9]]) == [3])
        #expect(Postings.intersect([[1, 2], []]) == [])
        #expect(Postings.union([1, 4], [2, 4, 9]) == [1, 2, 4, 9])
        #expect(Postings.union([[5], [1, 5], [3], [2, 7]]) == [1, 2, 3, 5, 7])
        #expect(Postings.union([]) == [])
        #expect(Postings.subtract([1, 2, 3, 4, 5], [2, 5, 6]) == [1, 3, 4])
        #expect(Postings.subtract([1, 2], []) == [1, 2])
    }

    @Test("set operations agree with Set on random lists", arguments: 0..<50)
    func randomSets(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let a = Set((0..<Int(rng.next() % 100)).map { _ in rng.next() % 200 })
        let b = Set((0..<Int(rng.next() % 100)).map { _ in rng.next() % 200 })
        let sa = a.sorted(), sb = b.sorted()
        #expect(Postings.intersect(sa, sb) == a.intersection(b).sorted())
        #expect(Postings.union(sa, sb) == a.union(b).sorted())
        #expect(Postings.subtract(sa, sb) == a.subtracting(b).sorted())
    }

    static func index() -> MemPostings {
        let p = MemPostings()
        _ = p.add(1, Labels(["__name__": "up", "job": "api", "instance": "a"]))
        _ = p.add(2, Labels(["__name__": "up", "job": "db", "instance": "b"]))
        _ = p.add(3, Labels(["__name__": "up", "job": "web"]))
        _ = p.add(4, Labels(["__name__": "cpu", "job": "api", "mode": "idle"]))
        return p
    }

    @Test("equality, negation and regex matchers select the right series")
    func matchers() throws {
        let p = Self.index()
        func sel(_ ms: [LabelMatcher]) -> [UInt64] { p.postings(matching: ms) }
        #expect(sel([try LabelMatcher(.equal, "__name__", "up")]) == [1, 2, 3])
        #expect(sel([try LabelMatcher(.equal, "__name__", "up"), try LabelMatcher(.notEqual, "job", "api")]) == [2, 3])
        #expect(sel([try LabelMatcher(.regexMatch, "job", "api|db")]) == [1, 2, 4])
        #expect(sel([try LabelMatcher(.regexMatch, "job", "a.*|w.b")]) == [1, 3, 4])
        #expect(sel([try LabelMatcher(.regexNoMatch, "job", "a.*"), try LabelMatcher(.equal, "__name__", "up")]) == [2, 3])
        #expect(sel([try LabelMatcher(.equal, "job", "nope")]) == [])
    }

    @Test("matchers that match the empty string select series missing the label")
    func emptyMatching() throws {
        let p = Self.index()
        #expect(p.postings(matching: [try LabelMatcher(.equal, "__name__", "up"), try LabelMatcher(.equal, "instance", "")]) == [3])
        #expect(p.postings(matching: [try LabelMatcher(.regexMatch, "instance", "a|")]) == [1, 3, 4])
        #expect(p.postings(matching: [try LabelMatcher(.regexMatch, "mode", ".*"), try LabelMatcher(.equal, "job", "api")]) == [1, 4])
        #expect(p.postings(matching: [try LabelMatcher(.notEqual, "mode", "")]) == [4])
    }

    @Test("removing series drops their postings and unused symbols")
    func removal() {
        let p = Self.index()
        let before = p.symbolCount
        p.remove([4], labels: [Labels(["__name__": "cpu", "job": "api", "mode": "idle"])])
        #expect(p.labelValues("mode") == [])
        #expect(p.postings("job", "api") == [1])
        #expect(p.allPostings() == [1, 2, 3])
        #expect(p.symbolCount == before - 3)
    }
}
