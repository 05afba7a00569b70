import PetrelCore
import Testing
@testable import PromQL

@Suite("PromQL result JSON")
struct QueryResultJSONTests {
    @Test("sample values are written as Prometheus' jsonutil writes them",
          arguments: [
              (0.1, "0.1"), (1, "1"), (-0.0, "-0"), (0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
              (1e-7, "1e-07"), (1e-6, "0.000001"), (123456789.123, "123456789.123"), (-2.5, "-2.5"),
              (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (5e-324, "5e-324"),
              (1.7976931348623157e308, "1.7976931348623157e+308"), (0.30000000000000004, "0.30000000000000004"),
          ] as [(Double, String)])
    func values(value: Double, expected: String) {
        #expect(PromQLFormat.value(value) == expected)
    }

    @Test("fixed formatting is Go's FormatFloat(v, 'f', -1, 64)",
          arguments: [
              (1e21, "1000000000000000000000"), (1e-7, "0.0000001"), (0.1, "0.1"), (-0.0, "-0"),
              (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (1.5e300, "15" + String(repeating: "0", count: 299)),
              (12345.678, "12345.678"),
          ] as [(Double, String)])
    func fixed(value: Double, expected: String) {
        #expect(PromQLFormat.fixed(value) == expected)
    }

    @Test("timestamps are seconds with exactly three decimals when there are milliseconds",
          arguments: [
              (Int64(1_435_781_451_781), "1435781451.781"), (1_435_781_451_000, "1435781451"),
              (1_435_781_451_780, "1435781451.780"), (1_435_781_451_001, "1435781451.001"), (1, "0.001"),
              (0, "0"), (-1_500, "-1.500"), (-1, "-0.001"),
          ] as [(Int64, String)])
    func timestamps(milliseconds: Int64, expected: String) {
        #expect(PromQLFormat.timestamp(milliseconds) == expected)
    }

    @Test("scalar timestamps are the shortest decimal of the seconds")
    func scalarTimestamps() {
        #expect(PromQLFormat.scalarTimestamp(1_435_781_451_780) == "1435781451.78")
        #expect(PromQLFormat.scalarTimestamp(1_435_781_451_000) == "1435781451")
        #expect(PromQLFormat.scalarTimestamp(0) == "0")
    }

    @Test("a matrix renders as the Prometheus API data object")
    func matrix() {
        let result = QueryResult.matrix([
            SeriesData(labels: Labels(["__name__": "up", "job": "prometheus"]),
                       timestamps: [1_435_781_430_781, 1_435_781_445_000], values: [1, 0.5]),
        ])
        #expect(result.prometheusJSON == #"{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"prometheus"},"values":[[1435781430.781,"1"],[1435781445,"0.5"]]}]}"#)
    }

    @Test("vectors, scalars and strings render in their API shapes")
    func otherShapes() {
        let vector = QueryResult.vector([VectorSample(labels: Labels(["a": "<b>&\"\n"]), timestamp: 1_000_500, value: .nan)])
        #expect(vector.prometheusJSON == #"{"resultType":"vector","result":[{"metric":{"a":"\u003cb\u003e\u0026\"\n"},"value":[1000.500,"NaN"]}]}"#)
        #expect(QueryResult.vector([]).prometheusJSON == #"{"resultType":"vector","result":[]}"#)
        #expect(QueryResult.scalar(t: 1_000_500, v: 1e21).prometheusJSON == #"{"resultType":"scalar","result":[1000.5,"1000000000000000000000"]}"#)
        #expect(QueryResult.string(t: 2000, s: "hi").prometheusJSON == #"{"resultType":"string","result":[2,"hi"]}"#)
        #expect(QueryResult.matrix([]).prometheusJSON == #"{"resultType":"matrix","result":[]}"#)
    }
}
