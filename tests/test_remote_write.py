"""Prometheus remote write into Petrel: a real Prometheus 2.42 scrapes a small
Python exporter and sends `remote_write` to Petrel's /api/v1/write; the same
series then hold the same timestamps and values in both. Bad bodies get the
status codes Prometheus' receiver gives.
"""

from __future__ import annotations

import time

import pytest
import requests

from harness import HTTPExporter, free_port, wait_until
from prom_harness import PrometheusServer, require_prometheus


class ChangingExporter(HTTPExporter):
    """Serves a gauge that changes on every scrape, plus a label value that needs escaping."""

    def __init__(self):
        self.count = 0

        def respond(_headers):
            self.count += 1
            n = self.count
            body = (f'rw_gauge{{path="/a \\"b\\"",k="v"}} {n * 1.25}\n'
                    f"rw_counter_total {n * 3}\n"
                    "# HELP rw_small A small gauge.\n# TYPE rw_small gauge\n"
                    f"rw_small 1e-7\n").encode()
            return 200, "text/plain; version=0.0.4", body

        super().__init__(respond)


@pytest.fixture(scope="module")
def pair(petrel_factory, tmp_path_factory):
    require_prometheus()
    work = tmp_path_factory.mktemp("rw")
    config = work / "petrel.yaml"
    config.write_text("sources:\n  rw:\n    type: prometheus_remote_write\nsinks:\n  db:\n    type: tsdb\n    inputs: [rw]\n")
    petrel = petrel_factory.start(extra_args=["--config", str(config)])
    exporter = ChangingExporter()
    prom = PrometheusServer(work / "prom", port=free_port())
    prom.config_path.write_text(f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: py
    static_configs:
      - targets: ["127.0.0.1:{exporter.port}"]
remote_write:
  - url: {petrel.base}/api/v1/write
    queue_config:
      batch_send_deadline: 1s
      min_backoff: 100ms
      max_backoff: 1s
    metadata_config:
      send_interval: 1s
""")
    prom.start()
    yield petrel, prom
    prom.stop()
    exporter.close()


def samples(base: str, promql: str, at: float) -> dict[str, list[tuple[float, str]]]:
    resp = requests.get(base + "/api/v1/query", params={"query": promql, "time": f"{at:.3f}"}, timeout=30)
    resp.raise_for_status()
    out = {}
    for r in resp.json()["data"]["result"]:
        key = ",".join(f"{k}={v}" for k, v in sorted(r["metric"].items()))
        out[key] = [(float(t), v) for t, v in r["values"]]
    return out


def test_remote_written_samples_match_prometheus(pair):
    petrel, prom = pair
    names = ["rw_gauge", "rw_counter_total", "rw_small", "up", "scrape_samples_scraped"]
    # Let Prometheus scrape a few times and send them on.
    def enough():
        series = samples(petrel.base, "rw_gauge[1m]", time.time())
        return series and min(len(v) for v in series.values()) >= 4

    wait_until(enough, timeout=60, interval=0.5, what="four remote-written rw_gauge samples in Petrel")
    at = time.time() - 3  # samples Prometheus has certainly sent by now
    for name in names:
        expected = samples(prom.base, f"{name}[30s]", at)
        got = samples(petrel.base, f"{name}[30s]", at)
        assert expected, name
        assert set(got) == set(expected), name
        for key, series in expected.items():
            # Petrel may lack the oldest samples if Prometheus sent them before Petrel was up: compare the tail.
            tail = series[-3:]
            assert got[key][-len(tail):] == tail, (name, key)


def test_bad_bodies_are_refused_with_prometheus_status_codes(pair):
    petrel, _ = pair
    url = petrel.base + "/api/v1/write"
    headers = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}
    bad_snappy = requests.post(url, data=b"\xff\xff\xff\xff\xff\xff", headers=headers, timeout=10)
    assert bad_snappy.status_code == 400 and "snappy" in bad_snappy.text
    # A valid snappy stream (literal-only block) holding garbage protobuf.
    garbage = b"\x0a\x7f\x01\x02"
    block = bytes([len(garbage)]) + bytes([(len(garbage) - 1) << 2]) + garbage
    bad_proto = requests.post(url, data=block, headers=headers, timeout=10)
    assert bad_proto.status_code == 400 and "protobuf" in bad_proto.text
    wrong_type = requests.post(url, data=b"x 1\n", headers={"Content-Type": "text/plain"}, timeout=10)
    assert wrong_type.status_code == 415
    empty = bytes([0])  # snappy for an empty WriteRequest
    assert requests.post(url, data=empty, headers=headers, timeout=10).status_code == 204
    errors = requests.get(petrel.base + "/metrics", timeout=10).text
    assert 'petrel_component_errors_total{component_id="rw"' in errors


def test_metadata_sent_by_prometheus_answers_the_metadata_api(pair):
    petrel, _ = pair

    def rw_small():
        data = requests.get(petrel.base + "/api/v1/metadata", params={"metric": "rw_small"}, timeout=5).json()["data"]
        return data.get("rw_small")

    entries = wait_until(rw_small, timeout=30, interval=0.3, what="rw_small metadata from Prometheus")
    assert entries == [{"type": "gauge", "help": "A small gauge.", "unit": ""}]
    everything = requests.get(petrel.base + "/api/v1/metadata", timeout=5).json()
    assert everything["status"] == "success" and "rw_small" in everything["data"]
    limited = requests.get(petrel.base + "/api/v1/metadata", params={"limit": "1"}, timeout=5).json()["data"]
    assert len(limited) == 1
