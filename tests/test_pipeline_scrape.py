"""prometheus_scrape, influx_udp and the influx HTTP component against real peers.

Debian's prometheus-node-exporter is scraped every second into the TSDB; a
down target gives `up 0`; relabelling is observable; a tiny Python exporter
checks basic auth; Petrel scrapes its own /metrics. influx_udp gets datagrams
from a Python socket, and `type: influx` takes /write into its own topic.
"""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests

from harness import HTTPExporter, HarnessError, free_port, wait_until
from promapi import query


def require(binary: str) -> str:
    path = shutil.which(binary)
    if not path:
        raise HarnessError(f"{binary} not installed: run scripts/install-test-deps.sh")
    return path


class Exporter(HTTPExporter):
    """A one-file Python exporter on a free port; with `auth`, it wants that basic-auth pair."""

    def __init__(self, body: str, auth: tuple[str, str] | None = None, content_type: str = "text/plain; version=0.0.4"):
        expected = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode() if auth else None
        self.seen_auth: list[str] = []

        def respond(headers):
            got = headers.get("Authorization", "")
            self.seen_auth.append(got)
            if expected and got != expected:
                return 401, "", b""
            return 200, content_type, body.encode()

        super().__init__(respond)


@pytest.fixture(scope="module")
def node_exporter(tmp_path_factory):
    binary = require("prometheus-node-exporter")
    port = free_port()
    proc = subprocess.Popen([binary, f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults",
                             "--collector.cpu", "--collector.loadavg", "--collector.meminfo"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/metrics", timeout=2).ok, timeout=15,
                   what="node exporter up")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def setup(petrel_factory, node_exporter, tmp_path_factory):
    work = tmp_path_factory.mktemp("scrape")
    secured = Exporter("secret_metric 42\n", auth=("alice", "s3cret"))
    openmetrics = Exporter("# TYPE om_requests counter\n"
                           'om_requests_total{code="200"} 17 # {trace_id="abc"} 1.0\n'
                           'om_requests_created{code="200"} 1700000000\n'
                           "# EOF\n",
                           content_type="application/openmetrics-text; version=1.0.0; charset=utf-8")
    password_file = work / "password"
    password_file.write_text("s3cret\n")
    down_port = free_port()
    udp_port = free_port()
    http_port = free_port()
    config = work / "petrel.yaml"
    config.write_text(f"""
sources:
  node:
    type: prometheus_scrape
    targets: ["127.0.0.1:{node_exporter}"]
    interval: 1s
    metric_relabel_configs:
      - action: drop
        source_labels: [__name__]
        regex: node_load15
      - action: labeldrop
        regex: mode
      - action: keep
        source_labels: [__name__]
        regex: "node_.*"
  cpu:
    type: prometheus_scrape
    job: cpu
    targets: ["http://127.0.0.1:{node_exporter}/metrics"]
    interval: 1s
  gone:
    type: prometheus_scrape
    targets: ["127.0.0.1:{down_port}"]
    interval: 1s
    timeout: 500ms
  secured:
    type: prometheus_scrape
    targets: ["127.0.0.1:{secured.port}"]
    interval: 1s
    basic_auth:
      username: alice
      password_file: {password_file}
  om:
    type: prometheus_scrape
    targets: ["127.0.0.1:{openmetrics.port}"]
    interval: 1s
  self:
    type: prometheus_scrape
    targets: ["127.0.0.1:{http_port}"]
    interval: 1s
  udp:
    type: influx_udp
    address: 127.0.0.1:{udp_port}
    precision: s
  influx_http:
    type: influx
sinks:
  db:
    type: tsdb
    inputs: [node, cpu, gone, secured, om, self, udp, influx_http]
""")
    server = petrel_factory.start(port=http_port, extra_args=["--config", str(config)])
    yield {"petrel": server, "udp_port": udp_port, "secured": secured}
    secured.close()
    openmetrics.close()


def values(base: str, promql: str) -> list[tuple[dict, float]]:
    data = query(base, promql)
    return [(r["metric"], float(r["value"][1])) for r in data["result"]]


def wait_values(base: str, promql: str, timeout: float = 20.0) -> list[tuple[dict, float]]:
    return wait_until(lambda: values(base, promql), timeout=timeout, interval=0.3, what=promql)


def test_node_exporter_cpu_seconds_are_queryable(setup):
    base = setup["petrel"].base
    result = wait_values(base, 'node_cpu_seconds_total{job="cpu",mode="idle"}')
    assert all(m["instance"].startswith("127.0.0.1:") for m, _ in result)
    assert all(v > 0 for _, v in result)
    # A counter scraped every second grows: rate over the last seconds is defined.
    rate = wait_until(lambda: values(base, 'rate(node_cpu_seconds_total{job="cpu",mode="idle"}[5s])'), timeout=20,
                      interval=0.5, what="rate of cpu seconds")
    assert len(rate) == len(result)


def test_up_and_scrape_report_series(setup):
    base = setup["petrel"].base
    wait_until(lambda: len(values(base, 'up{job=~"node|cpu|gone|secured|self"}')) == 5, timeout=20, interval=0.3,
               what="up for all five jobs")
    up = dict((m["job"], v) for m, v in values(base, 'up{job=~"node|cpu|gone|secured|self"}'))
    assert up == {"node": 1, "cpu": 1, "gone": 0, "secured": 1, "self": 1}
    for name in ["scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
                 "scrape_series_added"]:
        assert wait_values(base, f'{name}{{job="cpu"}}'), name
    scraped = values(base, 'scrape_samples_scraped{job="node"}')[0][1]
    kept = values(base, 'scrape_samples_post_metric_relabeling{job="node"}')[0][1]
    assert 0 < kept < scraped


def test_relabel_drop_keep_and_labeldrop_are_applied(setup):
    base = setup["petrel"].base
    wait_values(base, 'node_load1{job="node"}')
    assert values(base, 'node_load15{job="node"}') == []
    assert wait_values(base, 'node_load15{job="cpu"}')
    # labeldrop removed `mode`; `keep` left only node_* families.
    cpu = values(base, 'node_cpu_seconds_total{job="node"}')
    assert cpu and all("mode" not in m for m, _ in cpu)
    assert values(base, 'go_goroutines{job="node"}') == []
    assert wait_values(base, 'go_goroutines{job="cpu"}')


def test_basic_auth_is_sent(setup):
    base = setup["petrel"].base
    result = wait_values(base, 'secret_metric{job="secured"}')
    assert result[0][1] == 42
    assert setup["secured"].seen_auth[-1] == "Basic " + base64.b64encode(b"alice:s3cret").decode()


def test_petrel_scrapes_its_own_metrics(setup):
    base = setup["petrel"].base
    assert wait_values(base, 'petrel_component_sent_events_total{job="self",component_id="node"}')


def test_influx_udp_lines_become_series_and_bad_lines_are_counted(setup):
    base = setup["petrel"].base
    import time
    now = int(time.time())
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(f"udp_room,room=a temp=21.5 {now}\nudp_room,room=b temp=19 {now}\nnot a line\n".encode(),
                 ("127.0.0.1", setup["udp_port"]))
        s.sendto(b"udp_room,room=c temp=7\n", ("127.0.0.1", setup["udp_port"]))
    result = wait_until(lambda: len(values(base, "udp_room_temp")) == 3 and values(base, "udp_room_temp"), timeout=15,
                        interval=0.3, what="udp series")
    assert sorted((m["room"], v) for m, v in result) == [("a", 21.5), ("b", 19.0), ("c", 7.0)]
    # Petrel's own /metrics, scraped by the `self` job, counts the bad line.
    wait_until(lambda: any(v >= 1 for _, v in values(base, 'petrel_component_errors_total{component_id="udp",job="self"}')),
               timeout=15, interval=0.3, what="udp error counted")


def test_influx_component_takes_the_write_routes(setup):
    base = setup["petrel"].base
    resp = requests.post(base + "/write", data=b"httpcomp,k=v value=5\n", timeout=10)
    assert resp.status_code == 204, resp.text
    assert wait_values(base, 'httpcomp_value{k="v"}')[0][1] == 5
    wait_until(lambda: any(v >= 1 for _, v in values(
        base, 'petrel_component_received_events_total{component_id="influx_http",job="self"}')),
        timeout=15, interval=0.3, what="influx component counts the write")


def test_openmetrics_answers_keep_totals_and_skip_created_and_exemplars(setup):
    base = setup["petrel"].base
    result = wait_values(base, 'om_requests_total{job="om"}')
    assert result[0][1] == 17 and result[0][0]["code"] == "200"
    assert values(base, 'om_requests_created{job="om"}') == []
    assert values(base, 'scrape_samples_scraped{job="om"}')[0][1] == 1
