import PetrelCore
import Testing
@testable import PromQL

@Suite struct OverTimeFunctionTests {
    let engine = Engine()
    let store = MemoryStorage([series(["__name__": "g", "k": "a"], [(0, 4), (15, 2), (30, 9), (45, 1)])])

    func value(_ query: String, at seconds: Int64 = 45) throws -> Sample? {
        guard case .vector(let v) = try engine.instantQuery(query, at: seconds * 1000, storage: store) else { return nil }
        return v.first
    }

    @Test("the *_over_time family aggregates every sample of the window")
    func family() throws {
        #expect(try value("count_over_time(g[1m])")?.value == 4)
        #expect(try value("sum_over_time(g[1m])")?.value == 16)
        #expect(try value("avg_over_time(g[1m])")?.value == 4)
        #expect(try value("min_over_time(g[1m])")?.value == 1)
        #expect(try value("max_over_time(g[1m])")?.value == 9)
        #expect(try value("present_over_time(g[1m])")?.value == 1)
        // Population variance of 4, 2, 9, 1: mean 4, squared deviations 0 + 4 + 25 + 9 = 38, / 4.
        #expect(try value("stdvar_over_time(g[1m])")?.value == 9.5)
        #expect(try value("stddev_over_time(g[1m])")?.value == 9.5.squareRoot())
        #expect(try value("count_over_time(g[20s])")?.value == 2, "only the samples at 30 s and 45 s")
    }

    @Test("last_over_time keeps the metric name; the others drop it")
    func names() throws {
        #expect(try value("last_over_time(g[1m])")?.labels.name == "g")
        #expect(try value("last_over_time(g[1m])")?.value == 1)
        #expect(try value("max_over_time(g[1m])")?.labels.name == nil)
    }

    @Test("min and max skip a leading NaN; avg stays infinite once a sample is infinite")
    func specialValues() throws {
        let nan = MemoryStorage([series(["__name__": "n"], [(0, .nan), (15, 3), (30, 7)])])
        guard case .vector(let mx) = try engine.instantQuery("max_over_time(n[1m])", at: 30_000, storage: nan),
              case .vector(let mn) = try engine.instantQuery("min_over_time(n[1m])", at: 30_000, storage: nan) else {
            Issue.record("not vectors")
            return
        }
        #expect(mx.first?.value == 7 && mn.first?.value == 3)
        let inf = MemoryStorage([series(["__name__": "i"], [(0, 1), (15, .infinity), (30, 7)])])
        guard case .vector(let avg) = try engine.instantQuery("avg_over_time(i[1m])", at: 30_000, storage: inf) else { return }
        #expect(avg.first?.value == .infinity)
    }
}
