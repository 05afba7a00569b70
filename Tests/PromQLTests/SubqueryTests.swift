import PetrelCore
import Testing
@testable import PromQL

@Suite("PromQL subqueries")
struct SubqueryTests {
    static let minutes = """
        load 1m
          m 0+1x60

        """

    @Test("a subquery evaluates its expression at absolute multiples of its step inside the range")
    func alignment() {
        PromQLScript.run(Self.minutes + """
            eval instant at 10m m[5m:1m]
              m 5 6 7 8 9 10
            eval instant at 10m m[5m:]
              m 5 6 7 8 9 10
            eval instant at 10m max_over_time(m[5m:2m])
              {} 10
            eval instant at 10m min_over_time(m[5m:2m])
              {} 6
            eval instant at 11m count_over_time(m[5m:2m])
              {} 3
            eval instant at 10m sum_over_time(m[5m:2m] offset 1m)
              {} 18
            eval instant at 50m sum_over_time(m[2m:1m] @ 300)
              {} 12
            eval range from 10m to 12m step 1m sum_over_time(m[2m:1m])
              {} 27 30 33
            """)
    }

    @Test("range functions and nested subqueries work over subquery points")
    func nested() {
        PromQLScript.run(Self.minutes + """
            eval instant at 10m rate(m[5m:1m])
              {} 0.016666666666666666
            eval instant at 20m max_over_time(rate(m[2m])[5m:1m])
              {} 0.016666666666666666
            eval instant at 20m sum_over_time(sum_over_time(m[2m:1m])[3m:1m])
              {} 210
            eval instant at 20m last_over_time((m * 2)[3m:1m])
              {} 40
            """)
    }

    @Test("a query that would select more samples than allowed is refused before evaluating")
    func maxSamplesOnSelect() throws {
        let store = MemoryStorage([SeriesData(labels: Labels(["__name__": "big"]),
                                              timestamps: (0..<1000).map { Int64($0) * 1000 },
                                              values: (0..<1000).map(Double.init))])
        let engine = Engine(options: EngineOptions(maxSamples: 100))
        #expect(throws: PromQLError.tooManySamples) {
            try engine.rangeQuery("sum(rate(big[5m]))", start: 0, end: 999_000, step: 60_000, storage: store)
        }
        #expect(throws: PromQLError.tooManySamples) {
            try engine.instantQuery("max_over_time(big[10m:1s])", at: 999_000, storage: store)
        }
        var stats = QueryStats()
        _ = try Engine().instantQuery("count_over_time(big[10s])", at: 999_000, storage: store, stats: &stats)
        #expect(stats.totalSamples == 11)
        #expect(stats.peakSamples >= 11)
    }
}
