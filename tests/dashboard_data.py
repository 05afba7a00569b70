"""Data the dashboard tests write: the metrics the Grafana fixtures query, over the last 30 minutes."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import requests

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "grafana"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def write_fixture_metrics(base: str, minutes: int = 30, step_s: int = 15) -> int:
    """Writes hosts a and b: cpu, memory, network, up and a latency histogram. Returns the last timestamp."""
    now = int(time.time()) // step_s * step_s
    lines = []
    buckets = ["0.005", "0.01", "0.05", "0.1", "0.5", "1", "+Inf"]
    for i, t in enumerate(range(now - minutes * 60, now + 1, step_s)):
        for h, host in enumerate(["a", "b"]):
            cpu = 40 + 30 * math.sin(i / 10 + h)
            lines.append(f"fixture_cpu,host={host} usage={cpu:.3f} {t}")
            lines.append(f"fixture_mem,host={host} used={(4 + h + math.sin(i / 7)) * 2**30:.0f},total={16 * 2**30} {t}")
            lines.append(f"fixture_net,host={host} bytes={i * (1000 + 300 * h) * step_s} {t}")
            lines.append(f"fixture,host={host} up=1 {t}")
        for j, le in enumerate(buckets):
            lines.append(f"fixture_req_duration_seconds,le={le} bucket={i * (j + 1) * 10} {t}")
    body = "\n".join(lines)
    r = requests.post(f"{base}/write?precision=s", data=body, timeout=10)
    assert r.status_code == 204, r.text
    return now


def wait_queryable(base: str, promql: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = requests.get(f"{base}/api/v1/query", params={"query": promql}, timeout=5).json()
        if r.get("data", {}).get("result"):
            return
        time.sleep(0.1)
    raise AssertionError(f"{promql} returned nothing within {timeout}s")
