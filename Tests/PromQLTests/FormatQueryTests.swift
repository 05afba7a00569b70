import PromQL
import Testing

@Suite struct PromQLPrettyTests {
    /// Queries and the text Prometheus 2.42's `/api/v1/format_query` answers for them.
    static let cases: [(String, String)] = [
        ("sum(rate(x[5m]))by(job)", "sum by (job) (rate(x[5m]))"),
        (#"histogram_quantile(0.9, sum by (le, job) (rate(request_duration_seconds_bucket{job="api",instance=~"10.0.0.1:9100|10.0.0.2:9100"}[5m])))"#,
         "histogram_quantile(\n  0.9,\n  sum by (le, job) (\n    rate(request_duration_seconds_bucket{instance=~\"10.0.0.1:9100|10.0.0.2:9100\",job=\"api\"}[5m])\n  )\n)"),
        (#"-(sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])))"#,
         "-(\n    sum by (job) (rate(http_requests_total{status=~\"5..\"}[5m]))\n  /\n    sum by (job) (rate(http_requests_total[5m]))\n)"),
        (#"max_over_time((sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])))[1h:1m])"#,
         "max_over_time(\n  (\n      sum by (job) (rate(http_requests_total{status=~\"5..\"}[5m]))\n    /\n      sum by (job) (rate(http_requests_total[5m]))\n  )[1h:1m]\n)"),
        (#"topk(5, sum without (method, status) (rate(http_requests_total{job=~"api|web|worker",status!~"2.."}[5m])) > bool 0.000001)"#,
         "topk(\n  5,\n    sum without (method, status) (rate(http_requests_total{job=~\"api|web|worker\",status!~\"2..\"}[5m]))\n  > bool\n    1e-06\n)"),
        (#"label_replace(sum by (instance) (rate(node_cpu_seconds_total{mode!="idle",instance=~"10.0.0.1:9100|10.0.0.2:9100"}[5m])), "host", "$1", "instance", "(.*):.*")"#,
         "label_replace(\n  sum by (instance) (\n    rate(node_cpu_seconds_total{instance=~\"10.0.0.1:9100|10.0.0.2:9100\",mode!=\"idle\"}[5m])\n  ),\n  \"host\",\n  \"$1\",\n  \"instance\",\n  \"(.*):.*\"\n)"),
        ("sum by (job) (rate(http_requests_total[5m])) / ignoring(job) group_right sum(rate(http_requests_total[5m]))",
         "  sum by (job) (rate(http_requests_total[5m]))\n/ ignoring (job) group_right ()\n  sum(rate(http_requests_total[5m]))"),
    ]

    @Test("queries print as Prometheus' format_query prints them, split past 100 bytes", arguments: cases)
    func matchesPrometheus(_ query: String, _ expected: String) throws {
        #expect(try Parser.parse(query).prettified == expected)
    }
}
