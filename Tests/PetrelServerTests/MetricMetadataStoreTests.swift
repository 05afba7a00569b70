import Codecs
import Testing
@testable import PetrelServer

@Suite struct MetricMetadataStoreTests {
    @Test func theLatestEntryPerFamilyIsKeptAndListedByName() {
        let store = MetricMetadataStore()
        store.record([MetricMetadata(type: .counter, family: "b_total", help: "Old."),
                      MetricMetadata(type: .gauge, family: "a", help: "A gauge.", unit: "bytes")])
        store.record([MetricMetadata(type: .counter, family: "b_total", help: "New.")])
        let all = store.entries()
        #expect(all.map(\.family) == ["a", "b_total"])
        #expect(all[0].entry == .init(type: "gauge", help: "A gauge.", unit: "bytes"))
        #expect(all[1].entry.help == "New.")
        #expect(store.entries(metric: "b_total").map(\.family) == ["b_total"])
        #expect(store.entries(metric: "missing").isEmpty)
        #expect(store.entries(limit: 1).map(\.family) == ["a"])
    }

    @Test func newFamiliesPastTheBoundAreRefusedAndKnownOnesStillUpdate() {
        let store = MetricMetadataStore(maxFamilies: 2)
        #expect(store.record([MetricMetadata(type: .gauge, family: "a"), MetricMetadata(type: .gauge, family: "b")]) == 0)
        #expect(store.record([MetricMetadata(type: .gauge, family: "c"), MetricMetadata(type: .counter, family: "a")]) == 1)
        #expect(store.entries().map(\.family) == ["a", "b"])
        #expect(store.entries(metric: "a").first?.entry.type == "counter")
        #expect(store.record([MetricMetadata(type: .gauge, family: "")]) == 0)
    }
}
