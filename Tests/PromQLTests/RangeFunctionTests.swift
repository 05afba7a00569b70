import Testing
@testable import PromQL

@Suite("PromQL range-vector functions")
struct RangeFunctionTests {
    @Test("changes and resets count value changes and decreases inside the window")
    func changesAndResets() {
        PromQLScript.run("""
            load 5m
              c{i="a"} 1 2 2 0 1 1 0
              c{i="n"} NaN NaN 0 NaN
            eval instant at 30m changes(c{i="a"}[30m])
              {i="a"} 4
            eval instant at 30m resets(c{i="a"}[30m])
              {i="a"} 2
            eval instant at 30m changes(c{i="a"}[5m])
              {i="a"} 1
            eval instant at 15m changes(c{i="n"}[15m])
              {i="n"} 2
            eval instant at 30m resets(missing[30m])
            """)
    }

    @Test("deriv and predict_linear fit a least-squares line; predict_linear from the evaluation time")
    func regression() {
        PromQLScript.run("""
            load 5m
              x 0+10x10
              flat 7+0x10
              infinite Inf+0x10
            eval instant at 50m deriv(x[50m])
              {} 0.03333333333333333
            eval instant at 50m predict_linear(x[50m], 3600)
              {} 220
            eval instant at 50m predict_linear(x[50m] offset 10m, 600)
              {} 120
            eval instant at 50m deriv(flat[50m])
              {} 0
            eval instant at 50m predict_linear(flat[50m], 600)
              {} 7
            eval instant at 50m deriv(infinite[50m])
              {} NaN
            eval instant at 50m deriv(x[1m])
            """)
    }

    @Test("holt_winters smooths and validates its factors only when there is data")
    func holtWinters() {
        PromQLScript.run("""
            load 5m
              x 0+10x10
              y 0 10 5 20 10
            eval instant at 50m holt_winters(x[50m], 0.5, 0.5)
              {} 100
            eval instant at 20m holt_winters(y[20m], 0.5, 0.5)
              {} 17.96875
            eval_fail instant at 50m holt_winters(x[50m], 1, 0.5)
              invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000
            eval_fail instant at 50m holt_winters(x[50m], 0.5, 0)
              invalid trend factor. Expected: 0 < tf < 1, got: 0.000000
            eval instant at 50m holt_winters(missing[50m], 1, 0.5)
            """)
    }

    @Test("quantile_over_time and the *_over_time family skip stale markers")
    func overTime() {
        PromQLScript.run("""
            load 5m
              c 1 2 2 0 1 1 0
            load 1m
              g 1 stale 3
            eval instant at 30m quantile_over_time(0.5, c[30m])
              {} 1
            eval instant at 30m quantile_over_time(0.75, c[30m])
              {} 1.5
            eval instant at 30m quantile_over_time(-1, c[30m])
              {} -Inf
            eval instant at 2m count_over_time(g[5m])
              {} 2
            eval instant at 2m last_over_time(g[5m])
              g 3
            eval instant at 1m g
            eval instant at 2m sum_over_time(g[5m])
              {} 4
            eval instant at 2m stdvar_over_time(g[5m])
              {} 1
            """)
    }
}
