import Testing
@testable import PromQL

@Suite("PromQL instant-vector functions")
struct FunctionTests {
    @Test("math functions drop the name; clamp, round and sgn follow Prometheus' rules")
    func math() {
        PromQLScript.run("""
            load 5m
              v{i="a"} -2.5
              v{i="b"} 0.25
              v{i="c"} 9
            eval instant at 0m abs(v)
              {i="a"} 2.5
              {i="b"} 0.25
              {i="c"} 9
            eval instant at 0m ceil(v)
              {i="a"} -2
              {i="b"} 1
              {i="c"} 9
            eval instant at 0m floor(v)
              {i="a"} -3
              {i="b"} 0
              {i="c"} 9
            eval instant at 0m sqrt(v{i="c"})
              {i="c"} 3
            eval instant at 0m ln(v{i="a"})
              {i="a"} NaN
            eval instant at 0m log2(v)
              {i="a"} NaN
              {i="b"} -2
              {i="c"} 3.169925001442312
            eval instant at 0m log10(v{i="c"} + 91)
              {i="c"} 2
            eval instant at 0m exp(v{i="b"} * 0)
              {i="b"} 1
            eval instant at 0m sgn(v)
              {i="a"} -1
              {i="b"} 1
              {i="c"} 1
            eval instant at 0m clamp(v, 0, 1)
              {i="a"} 0
              {i="b"} 0.25
              {i="c"} 1
            eval instant at 0m clamp(v, 2, 1)
            eval instant at 0m clamp_max(v, 0)
              {i="a"} -2.5
              {i="b"} 0
              {i="c"} 0
            eval instant at 0m clamp_min(v, 0)
              {i="a"} 0
              {i="b"} 0.25
              {i="c"} 9
            eval instant at 0m round(v)
              {i="a"} -2
              {i="b"} 0
              {i="c"} 9
            eval instant at 0m round(v, 0.5)
              {i="a"} -2.5
              {i="b"} 0.5
              {i="c"} 9
            eval instant at 0m round(v, 4)
              {i="a"} -4
              {i="b"} 0
              {i="c"} 8
            eval instant at 0m deg(v{i="b"} * 0 + pi())
              {i="b"} 180
            eval instant at 0m rad(v{i="b"} * 0 + 180)
              {i="b"} 3.141592653589793
            eval instant at 0m cos(v{i="b"} * 0)
              {i="b"} 1
            eval instant at 0m atanh(v{i="b"} * 0)
              {i="b"} 0
            """)
    }

    @Test("scalar, vector, time and timestamp")
    func conversions() {
        PromQLScript.run("""
            load 1m
              one{i="a"} 5 _ _
              two{i="a"} 1
              two{i="b"} 2
            eval instant at 2m scalar(one)
              5
            eval instant at 2m scalar(two)
              NaN
            eval instant at 2m scalar(nothing)
              NaN
            eval instant at 2m vector(3)
              {} 3
            eval instant at 2m vector(time())
              {} 120
            eval instant at 2m timestamp(one)
              {i="a"} 0
            eval instant at 2m timestamp(one + 1)
              {i="a"} 120
            eval instant at 10m timestamp(one @ 30)
              {i="a"} 0
            eval range from 0 to 2m step 1m timestamp(one)
              {i="a"} 0 0 0
            eval range from 0 to 2m step 1m time()
              {} 0 60 120
            """)
    }

    @Test("absent gives 1 with the labels of equality matchers when nothing matches")
    func absent() {
        PromQLScript.run("""
            load 1m
              here{job="a"} 1
            eval instant at 0m absent(here)
            eval instant at 0m absent(missing)
              {} 1
            eval instant at 0m absent(missing{job="x", instance=~"i.*", env!="prod"})
              {job="x"} 1
            eval instant at 0m absent(missing{job="x", job="y"})
              {} 1
            eval instant at 0m absent(sum(missing))
              {} 1
            eval instant at 0m absent_over_time(missing{job="x"}[5m])
              {job="x"} 1
            eval instant at 0m absent_over_time(here[5m])
            eval range from 0 to 20m step 10m absent_over_time(here[5m])
              {} 1 1
            eval instant at 0m absent_over_time(missing[5m:1m])
              {} 1
            """)
    }

    @Test("sort and sort_desc order instant results, NaN last")
    func sorting() {
        PromQLScript.run("""
            load 1m
              s{i="a"} 3
              s{i="b"} NaN
              s{i="c"} 1
              s{i="d"} 2
            eval_ordered instant at 0m sort(s)
              s{i="c"} 1
              s{i="d"} 2
              s{i="a"} 3
              s{i="b"} NaN
            eval_ordered instant at 0m sort_desc(s)
              s{i="a"} 3
              s{i="d"} 2
              s{i="c"} 1
              s{i="b"} NaN
            """)
    }

    @Test("label_replace uses an anchored regex with $-groups; label_join joins values")
    func labels() {
        PromQLScript.run("""
            load 1m
              up{job="api-server", instance="host1:9090"} 1
              up{job="db", instance="host2:9100"} 1
            eval instant at 0m label_replace(up, "host", "$1", "instance", "(.*):.*")
              up{job="api-server", instance="host1:9090", host="host1"} 1
              up{job="db", instance="host2:9100", host="host2"} 1
            eval instant at 0m label_replace(up, "port", "${port}x$$", "instance", "[^:]+:(?P<port>[0-9]+)")
              up{job="api-server", instance="host1:9090", port="9090x$"} 1
              up{job="db", instance="host2:9100", port="9100x$"} 1
            eval instant at 0m label_replace(up, "job", "", "job", "db")
              up{job="api-server", instance="host1:9090"} 1
              up{instance="host2:9100"} 1
            eval instant at 0m label_replace(up, "x", "$1", "job", "api")
              up{job="api-server", instance="host1:9090"} 1
              up{job="db", instance="host2:9100"} 1
            eval_fail instant at 0m label_replace(up, "x-y", "$1", "job", "(.*)")
              invalid destination label name in label_replace(): x-y
            eval_fail instant at 0m label_replace(up, "x", "$1", "job", "(.*")
              invalid regular expression in label_replace(): (.*
            eval instant at 0m label_join(up, "both", "/", "job", "instance")
              up{job="api-server", instance="host1:9090", both="api-server/host1:9090"} 1
              up{job="db", instance="host2:9100", both="db/host2:9100"} 1
            eval instant at 0m label_join(up, "job", "", "nothing")
              up{instance="host1:9090"} 1
              up{instance="host2:9100"} 1
            eval_fail instant at 0m label_join(up, "a", "", "b-c")
              invalid source label name in label_join(): b-c
            eval_fail instant at 0m label_replace(label_replace(up, "job", "x", "job", ".*"), "instance", "y", "instance", ".*")
              vector cannot contain metrics with the same labelset
            """)
    }

    @Test("date functions read the argument's UTC date, or the evaluation time without one")
    func dates() {
        // 2024-02-29 13:45:00 UTC (a Thursday) and 1969-12-31 23:59:59 UTC (a Wednesday).
        PromQLScript.run("""
            load 1m
              t{i="leap"} 1709214300
              t{i="before"} -1
            eval instant at 0m year(t)
              {i="leap"} 2024
              {i="before"} 1969
            eval instant at 0m month(t)
              {i="leap"} 2
              {i="before"} 12
            eval instant at 0m day_of_month(t)
              {i="leap"} 29
              {i="before"} 31
            eval instant at 0m day_of_year(t)
              {i="leap"} 60
              {i="before"} 365
            eval instant at 0m day_of_week(t)
              {i="leap"} 4
              {i="before"} 3
            eval instant at 0m days_in_month(t)
              {i="leap"} 29
              {i="before"} 31
            eval instant at 0m hour(t)
              {i="leap"} 13
              {i="before"} 23
            eval instant at 0m minute(t)
              {i="leap"} 45
              {i="before"} 59
            eval instant at 1d year()
              {} 1970
            eval instant at 1d day_of_month()
              {} 2
            """)
    }

    @Test("histogram_quantile sorts buckets, repairs monotonicity and needs +Inf")
    func histogramQuantile() {
        PromQLScript.run("""
            load 5m
              lat_bucket{job="a", le="0.1"} 0+5x10
              lat_bucket{job="a", le="+Inf"} 0+20x10
              lat_bucket{job="a", le="1"} 0+15x10
              lat_bucket{job="a", le="0.5"} 0+10x10
              lat_bucket{job="b", le="1"} 10
              lat_bucket{job="b", le="2"} 5
              lat_bucket{job="b", le="+Inf"} 10
              lat_bucket{job="c", le="1"} 10
              lat_bucket{job="d", le="-1"} 10
              lat_bucket{job="d", le="+Inf"} 10
              lat_bucket{job="e", le="1"} 0
              lat_bucket{job="e", le="+Inf"} 0
              other{job="f"} 1
            eval instant at 50m histogram_quantile(0.5, lat_bucket{job="a"})
              {job="a"} 0.5
            eval instant at 50m histogram_quantile(0.25, lat_bucket{job="a"})
              {job="a"} 0.1
            eval instant at 50m histogram_quantile(0.125, lat_bucket{job="a"})
              {job="a"} 0.05
            eval instant at 50m histogram_quantile(0.9, lat_bucket{job="a"})
              {job="a"} 1
            eval instant at 50m histogram_quantile(0.5, rate(lat_bucket{job="a"}[10m]))
              {job="a"} 0.5
            eval instant at 0m histogram_quantile(0.5, lat_bucket{job="b"})
              {job="b"} 0.5
            eval instant at 0m histogram_quantile(0.5, lat_bucket{job="c"})
              {job="c"} NaN
            eval instant at 0m histogram_quantile(0.5, lat_bucket{job="d"})
              {job="d"} -1
            eval instant at 0m histogram_quantile(0.5, lat_bucket{job="e"})
              {job="e"} NaN
            eval instant at 0m histogram_quantile(2, lat_bucket{job="d"})
              {job="d"} +Inf
            eval instant at 0m histogram_quantile(0.5, other)
            eval instant at 50m histogram_quantile(0.5, sum by (le) (lat_bucket{job="a"}))
              {} 0.5
            """)
    }
}

@Suite("PromQL edge cases seen against Prometheus")
struct PrometheusEdgeCaseTests {
    @Test("date functions wrap around like Go's time package for NaN and infinities")
    func datesOfNaN() {
        PromQLScript.run("""
            eval instant at 0m year(vector(NaN))
              {} 292277026596
            eval instant at 0m hour(vector(Inf))
              {} 15
            eval instant at 0m histogram_count(vector(1))
            """)
    }

    @Test("long expressions are prettified over lines as format_query does")
    func prettified() throws {
        let expr = try Parser.parse(#"sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))"#)
        #expect(expr.prettified == """
              sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))
            /
              sum by (job) (rate(http_requests_total[5m]))
            """)
        let grouped = try Parser.parse(#"sum by (job, instance) (http_requests_total) / on(job, instance) group_left sum by (job, instance) (http_requests_total{status="200"})"#)
        #expect(grouped.prettified == """
              sum by (job, instance) (http_requests_total)
            / on (job, instance) group_left ()
              sum by (job, instance) (http_requests_total{status="200"})
            """)
        #expect(try Parser.parse("rate(x[5m])").prettified == "rate(x[5m])")
    }
}
