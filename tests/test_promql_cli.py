"""`petrel query` end to end: the CLI against a real `petrel serve`, and the query API
settings and pages it and Grafana rely on."""

from __future__ import annotations

import subprocess
import time

import requests

from harness import petrel_binary
from promapi import query, wait_until

NOW = int(time.time()) // 60 * 60 - 600


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([str(petrel_binary()), "query", *args], capture_output=True, text=True, timeout=timeout)


def load(petrel) -> None:
    body = "".join(f'cli_demo{{job="{job}"}} {v + i} {(NOW - 120 + 15 * i) * 1000}\n'
                   for job, v in (("api", 10), ("web", 20)) for i in range(9))
    resp = requests.post(petrel.base + "/api/v1/import/prometheus", data=body, timeout=30)
    assert resp.status_code == 204, resp.text
    wait_until(lambda: len(query(petrel.base, "cli_demo", NOW)["result"]) == 2, timeout=30, what="cli_demo")


def test_instant_query_prints_an_aligned_table(petrel):
    load(petrel)
    out = run_cli("cli_demo", "--server", petrel.base, "--time", str(NOW))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["SERIES", "VALUE", "TIME"]
    assert lines[1].split()[:2] == ['cli_demo{job="api"}', "18"]
    assert lines[2].split()[:2] == ['cli_demo{job="web"}', "28"]
    # Columns are aligned: the value starts at the same offset on every line.
    assert len({ln.index(ln.split()[1]) for ln in lines}) == 1


def test_range_query_prints_one_block_per_series_and_json_prints_the_data(petrel):
    load(petrel)
    out = run_cli("sum(cli_demo)", "--server", petrel.base, "--start", str(NOW - 60), "--end", str(NOW), "--step", "30s")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "{}" and len(lines) == 4 and lines[-1].split()[1] == "46"
    js = run_cli("cli_demo", "--server", petrel.base, "--time", str(NOW), "--json")
    assert js.returncode == 0, js.stderr
    import json
    data = json.loads(js.stdout)
    assert data["resultType"] == "vector" and len(data["result"]) == 2


def test_errors_go_to_stderr_with_their_type_and_exit_non_zero(petrel):
    out = run_cli("sum(", "--server", petrel.base)
    assert out.returncode != 0 and out.stdout == ""
    assert out.stderr.startswith("error (bad_data): ") and "parse error" in out.stderr
    down = run_cli("up", "--server", "http://127.0.0.1:1")
    assert down.returncode != 0 and "error" in down.stderr


def test_query_settings_come_from_flags(petrel_factory):
    server = petrel_factory.start(extra_args=["--query-max-samples", "5", "--query-lookback-delta", "1m",
                                              "--query-timeout", "30s"])
    flags = requests.get(server.base + "/api/v1/status/flags", timeout=5).json()["data"]
    assert flags["query.max-samples"] == "5" and flags["query.lookback-delta"] == "1m"
    assert flags["query.timeout"] == "30s"
    body = "".join(f'many{{i="{i}"}} 1 {NOW * 1000}\n' for i in range(10))
    assert requests.post(server.base + "/api/v1/import/prometheus", data=body, timeout=30).status_code == 204
    wait_until(lambda: requests.get(server.base + "/api/v1/query", timeout=5,
                                    params={"query": "count(many)", "time": NOW}).status_code == 422,
               timeout=30, what="the sample limit to refuse 10 samples")
    resp = requests.get(server.base + "/api/v1/query", params={"query": "many", "time": NOW}, timeout=5)
    assert resp.status_code == 422
    assert resp.json()["errorType"] == "execution"
    assert resp.json()["error"] == "query processing would load too many samples into memory in query execution"
