"""A real Prometheus 2.42 next to Petrel, both loaded with the same generated dataset.

Used by the PromQL differential suite (tests/test_promql_diff.py) and the
benchmark (scripts/bench/promql.py). Prometheus gets the data as TSDB blocks
made by `promtool tsdb create-blocks-from openmetrics`; Petrel gets it through
`/api/v1/import/prometheus`. Both are then polled (bounded) until they count
the same number of samples.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Optional

import requests

from harness import HarnessError, ServerProcess, wait_until
from promql.generate import Series, prometheus_text_chunks, sample_count, write_openmetrics


def require_prometheus() -> tuple[str, str]:
    """Paths of `prometheus` and `promtool`; raises when they are not installed (never skip)."""
    prom, tool = shutil.which("prometheus"), shutil.which("promtool")
    if not prom or not tool:
        raise HarnessError("prometheus/promtool not installed: run scripts/install-test-deps.sh")
    return prom, tool


class PrometheusServer(ServerProcess):
    """Prometheus serving blocks from `data_dir`, with no scrape targets and a 30 d retention."""

    name = "prometheus"
    ready_path = "/-/ready"

    def __init__(self, work_dir: Path, port: Optional[int] = None, extra_args: Optional[list[str]] = None):
        super().__init__(work_dir, port)
        self.extra_args = extra_args or []
        self.config_path = self.work_dir / "prometheus.yml"
        self.config_path.write_text("global:\n  scrape_interval: 1m\n")

    def command(self) -> list[str]:
        binary, _ = require_prometheus()
        return [binary, f"--storage.tsdb.path={self.data_dir}", f"--config.file={self.config_path}",
                f"--web.listen-address=127.0.0.1:{self.port}", "--storage.tsdb.retention.time=30d",
                "--log.level=warn"] + self.extra_args

    def create_blocks(self, series: list[Series]) -> None:
        """Writes the dataset as OpenMetrics and turns it into blocks in the data dir (server stopped)."""
        _, tool = require_prometheus()
        om = self.work_dir / "dataset.om"
        write_openmetrics(series, om)
        proc = subprocess.run([tool, "tsdb", "create-blocks-from", "openmetrics", str(om), str(self.data_dir)],
                              capture_output=True, text=True, timeout=600)
        om.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise HarnessError(f"promtool failed ({proc.returncode}): {proc.stderr[-2000:]}")


def import_into_petrel(base: str, series: list[Series], chunk_bytes: int = 8 << 20) -> None:
    """POSTs the dataset to Petrel's Prometheus text import in bodies of `chunk_bytes`."""
    for body in prometheus_text_chunks(series, chunk_bytes):
        resp = requests.post(base + "/api/v1/import/prometheus", data=body, timeout=120)
        if resp.status_code != 204:
            raise HarnessError(f"import failed: HTTP {resp.status_code}: {resp.text[:500]}")


def total_samples(base: str, at_s: float, window: str) -> Optional[float]:
    """`sum(count_over_time({__name__=~".+"}[window]))` at `at_s`, or None when the answer is empty."""
    resp = requests.get(base + "/api/v1/query", timeout=60, params={
        "query": f'sum(count_over_time({{__name__=~".+"}}[{window}]))', "time": f"{at_s:.3f}"})
    resp.raise_for_status()
    result = resp.json()["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def wait_same_samples(petrel_base: str, prom_base: str, series: list[Series], end_ms: int, hours: float,
                      timeout: float = 300) -> int:
    """Waits until both servers count every generated sample; returns the count."""
    expected = sample_count(series)
    window = f"{int(hours * 60) + 1}m"
    at = end_ms / 1000
    got = total_samples(prom_base, at, window)
    if got != expected:
        raise HarnessError(f"Prometheus holds {got} samples of the {expected} generated")
    start = time.monotonic()
    wait_until(lambda: total_samples(petrel_base, at, window) == expected, timeout=timeout, interval=1.0,
               what=f"Petrel to hold all {expected} samples")
    return int(time.monotonic() - start)
