import Testing
@testable import PromQL

@Suite("PromQL aggregations")
struct AggregationTests {
    static let requests = """
        load 5m
          req{job="api", instance="0", group="prod"} 0+10x10
          req{job="api", instance="1", group="prod"} 0+20x10
          req{job="api", instance="0", group="canary"} 0+30x10
          req{job="api", instance="1", group="canary"} 0+40x10
          req{job="web", instance="0", group="prod"} 0+50x10
          req{job="web", instance="1", group="prod"} 0+60x10
          req{job="web", instance="0", group="canary"} 0+70x10
          req{job="web", instance="1", group="canary"} 0+80x10

        """

    @Test("stddev and stdvar are population statistics per group")
    func deviation() {
        PromQLScript.run(Self.requests + """
            eval instant at 50m stdvar(req)
              {} 52500
            eval instant at 50m stddev(req)
              {} 229.128784747792
            eval instant at 50m stdvar by (instance) (req)
              {instance="0"} 50000
              {instance="1"} 50000
            eval instant at 50m stdvar without (instance, job) (req)
              {group="prod"} 42500
              {group="canary"} 42500
            """)
    }

    @Test("topk and bottomk keep the input series with their names, largest or smallest first")
    func topkBottomk() {
        PromQLScript.run(Self.requests + """
              req{job="db", instance="0", group="prod"} NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN NaN
              k 2+0x10
            eval_ordered instant at 50m topk(3, req)
              req{job="web", instance="1", group="canary"} 800
              req{job="web", instance="0", group="canary"} 700
              req{job="web", instance="1", group="prod"} 600
            eval_ordered instant at 50m bottomk(2, req)
              req{job="api", instance="0", group="prod"} 100
              req{job="api", instance="1", group="prod"} 200
            eval_ordered instant at 50m topk(9, req{group="prod"})
              req{job="web", instance="1", group="prod"} 600
              req{job="web", instance="0", group="prod"} 500
              req{job="api", instance="1", group="prod"} 200
              req{job="api", instance="0", group="prod"} 100
              req{job="db", instance="0", group="prod"} NaN
            eval_ordered instant at 50m bottomk(9, req{instance="0", group="prod"})
              req{job="api", instance="0", group="prod"} 100
              req{job="web", instance="0", group="prod"} 500
              req{job="db", instance="0", group="prod"} NaN
            eval instant at 50m topk by (group) (1, req)
              req{job="web", instance="1", group="prod"} 600
              req{job="web", instance="1", group="canary"} 800
            eval_ordered instant at 50m topk(scalar(k), req)
              req{job="web", instance="1", group="canary"} 800
              req{job="web", instance="0", group="canary"} 700
            eval instant at 50m topk(0, req)
            eval instant at 50m topk(-1, req)
            eval_fail instant at 50m topk(NaN, req)
              Scalar value NaN overflows int64
            eval_fail instant at 50m topk(1e20, req)
              Scalar value 1e+20 overflows int64
            eval range from 5m to 10m step 5m topk(1, req)
              req{job="web", instance="1", group="canary"} 80 160
            """)
    }

    @Test("quantile interpolates between the closest ranks; out-of-range phi gives infinities")
    func quantile() {
        PromQLScript.run("""
            load 10s
              data{test="two", point="a"} 0
              data{test="two", point="b"} 1
              data{test="three", point="a"} 0
              data{test="three", point="b"} 1
              data{test="three", point="c"} 2
              data{test="nan", point="a"} 0
              data{test="nan", point="b"} 1
              data{test="nan", point="c"} NaN
            eval instant at 1m quantile without (point) (0.8, data)
              {test="two"} 0.8
              {test="three"} 1.6
              {test="nan"} 0.6
            eval instant at 1m quantile without (point) (0, data{test="three"})
              {test="three"} 0
            eval instant at 1m quantile without (point) (1.5, data{test="three"})
              {test="three"} +Inf
            eval instant at 1m quantile without (point) (-1, data{test="three"})
              {test="three"} -Inf
            eval instant at 1m quantile without (point) (NaN, data{test="three"})
              {test="three"} NaN
            """)
    }

    @Test("count_values counts each value under a new label; by keeps it, without adds it")
    func countValues() {
        PromQLScript.run("""
            load 5m
              version{job="api", instance="0"} 6
              version{job="api", instance="1"} 6
              version{job="web", instance="0"} 7
              version{job="web", instance="1"} 1.5
            eval instant at 5m count_values("version", version)
              {version="6"} 2
              {version="7"} 1
              {version="1.5"} 1
            eval instant at 5m count_values by (job) ("v", version)
              {job="api", v="6"} 2
              {job="web", v="7"} 1
              {job="web", v="1.5"} 1
            eval instant at 5m count_values without (instance) ("job", version)
              {job="6"} 2
              {job="7"} 1
              {job="1.5"} 1
            eval_fail instant at 5m count_values("a-b", version)
              invalid label name "a-b"
            """)
    }

    @Test("group and count, and NaN in min and max")
    func minMaxNaN() {
        PromQLScript.run("""
            load 5m
              m{i="0"} 1
              m{i="1"} NaN
              m{i="2"} 3
              n{i="0"} NaN
            eval instant at 0m max(m)
              {} 3
            eval instant at 0m min(m)
              {} 1
            eval instant at 0m max(n)
              {} NaN
            eval instant at 0m group(m)
              {} 1
            eval instant at 0m count(m)
              {} 3
            eval instant at 0m sum(m)
              {} NaN
            """)
    }
}
