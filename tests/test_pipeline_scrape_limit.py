"""prometheus_scrape's `sample_limit` with Prometheus' semantics: a scrape
that keeps more samples than the limit after metric relabelling fails as a
whole (`up` 0, none of its samples stored) while its counts are still
reported; a scrape within the limit is stored as usual."""

from __future__ import annotations

from harness import HTTPExporter, wait_until
from promapi import query


def values(base: str, promql: str) -> dict[str, float]:
    return {r["metric"].get("job", ""): float(r["value"][1]) for r in query(base, promql)["result"]}


def test_sample_limit_fails_the_whole_scrape_and_reports_its_counts(petrel_factory, tmp_path):
    body = "".join(f'limit_metric{{i="{i}"}} {i}\n' for i in range(5)) + "dropped_metric 1\n"
    exporter = HTTPExporter(lambda headers: (200, "text/plain; version=0.0.4", body.encode()))
    config = tmp_path / "petrel.yaml"
    config.write_text(f"""\
sources:
  over:
    type: prometheus_scrape
    job: over
    targets: ["127.0.0.1:{exporter.port}"]
    interval: 1s
    sample_limit: 4
    metric_relabel_configs:
      - action: drop
        source_labels: [__name__]
        regex: dropped_metric
  within:
    type: prometheus_scrape
    job: within
    targets: ["127.0.0.1:{exporter.port}"]
    interval: 1s
    sample_limit: 5
    metric_relabel_configs:
      - action: drop
        source_labels: [__name__]
        regex: dropped_metric
sinks:
  db:
    type: tsdb
    inputs: [over, within]
""")
    try:
        server = petrel_factory.start(extra_args=["--config", str(config)])
        base = server.base
        wait_until(lambda: set(values(base, "up")) == {"over", "within"}, timeout=20, what="both jobs report up")
        assert values(base, "up") == {"over": 0.0, "within": 1.0}
        assert values(base, "scrape_samples_scraped") == {"over": 6.0, "within": 6.0}
        assert values(base, "scrape_samples_post_metric_relabeling") == {"over": 5.0, "within": 5.0}
        stored = values(base, "count by (job) (limit_metric)")
        assert stored == {"within": 5.0}, f"only the job within its limit stores samples, got {stored}"
    finally:
        exporter.close()
