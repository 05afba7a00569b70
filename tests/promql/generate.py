#!/usr/bin/env python3
"""Deterministic dataset for the PromQL differential suite and benchmark.

One seeded generator builds the same series for Petrel and for Prometheus and
writes them in two encodings:

* OpenMetrics text (timestamps in seconds, ends with `# EOF`) for
  `promtool tsdb create-blocks-from openmetrics`;
* Prometheus text exposition with millisecond timestamps, in chunks, for
  Petrel's `/api/v1/import/prometheus`.

The data ends at `end_ms` (pass "now" rounded down to a minute, so both
servers' retention accepts it) and covers `hours` before it. What is in it:
counters with resets (`http_requests_total`, `node_cpu_seconds_total`),
gauges (`node_memory_bytes`, `temperature_celsius` with negative, zero, NaN
and ±Inf values and a gap longer than the 5 m lookback), a classic histogram
(`request_duration_seconds_bucket/_sum/_count`), odd histograms for
`histogram_quantile` edge cases, series that start late and stop early, 30 s
and irregular scrape intervals, and a recording-rule style name with colons.

Run as a script to write both files:  generate.py OUT_DIR [--end-ms MS] [--big]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

SEED = 20261122
HISTOGRAM_BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
BIG_BUCKETS = ["0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]


@dataclass
class Series:
    """One series: metric name, labels and samples (ms timestamps, float values) in time order."""

    name: str
    labels: dict
    samples: list = field(default_factory=list)

    def label_text(self) -> str:
        if not self.labels:
            return ""
        parts = [f'{k}="{_escape(v)}"' for k, v in sorted(self.labels.items())]
        return "{" + ",".join(parts) + "}"


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def fmt_value(v: float) -> str:
    """A value both parsers read back exactly (NaN, +Inf, -Inf spelled out)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(float(v))


def round_to_minute(ms: int) -> int:
    return ms // 60_000 * 60_000


def default_end_ms() -> int:
    """Now rounded down to a minute, minus one minute: recent enough for every retention."""
    return round_to_minute(int(time.time() * 1000)) - 60_000


class Generator:
    """Builds the dataset; the same seed, end time and size always give the same samples."""

    def __init__(self, end_ms: int, hours: float = 6, big: bool = False, seed: int = SEED,
                 big_interval_ms: int = 30_000):
        self.end_ms = end_ms
        self.start_ms = end_ms - int(hours * 3_600_000)
        self.big = big
        self.big_interval_ms = big_interval_ms
        self.rng = random.Random(seed)

    # --- time grids ---------------------------------------------------------

    def grid(self, interval_ms: int, start_ms: int | None = None, end_ms: int | None = None,
             jitter_ms: int = 0) -> list[int]:
        start = self.start_ms if start_ms is None else start_ms
        end = self.end_ms if end_ms is None else end_ms
        out, t = [], start
        while t <= end:
            out.append(t + (self.rng.randint(-jitter_ms, jitter_ms) if jitter_ms else 0))
            t += interval_ms
        # Jitter must never reorder samples.
        return sorted(set(x for x in out if self.start_ms <= x <= self.end_ms))

    def hours_in(self, h: float) -> int:
        return self.start_ms + int(h * 3_600_000)

    # --- series builders ----------------------------------------------------

    def counter(self, name: str, labels: dict, times: list[int], rate: float, resets: int = 0) -> Series:
        s = Series(name, labels)
        reset_at = set(self.rng.sample(range(1, len(times)), resets)) if resets and len(times) > 2 else set()
        v = self.rng.uniform(0, 1000) * rate
        for i, t in enumerate(times):
            if i in reset_at:
                v = self.rng.uniform(0, 3) * rate
            else:
                v += max(0.0, self.rng.gauss(rate, rate / 3)) * (15 if i else 0)
            s.samples.append((t, round(v, 3)))
        return s

    def gauge(self, name: str, labels: dict, times: list[int], mean: float, spread: float) -> Series:
        s = Series(name, labels)
        phase = self.rng.uniform(0, 2 * math.pi)
        for i, t in enumerate(times):
            v = mean + spread * math.sin(phase + i / 40) + self.rng.gauss(0, spread / 10)
            s.samples.append((t, round(v, 3)))
        return s

    def histogram(self, name: str, labels: dict, times: list[int], buckets: list[str],
                  resets: int = 0) -> list[Series]:
        """`_bucket` series per `le` plus `_sum` and `_count`, cumulative and consistent."""
        bounds = [math.inf if b == "+Inf" else float(b) for b in buckets]
        per_bucket = [Series(name + "_bucket", {**labels, "le": b}) for b in buckets]
        total_sum = Series(name + "_sum", dict(labels))
        total_count = Series(name + "_count", dict(labels))
        counts = [0] * len(bounds)
        obs_sum = 0.0
        scale = self.rng.uniform(0.05, 0.6)
        reset_at = set(self.rng.sample(range(1, len(times)), resets)) if resets else set()
        for i, t in enumerate(times):
            if i in reset_at:
                counts = [0] * len(bounds)
                obs_sum = 0.0
            for _ in range(self.rng.randint(0, 12)):
                d = self.rng.expovariate(1 / scale)
                obs_sum += d
                for j, b in enumerate(bounds):
                    if d <= b:
                        counts[j] += 1
            for j, s in enumerate(per_bucket):
                s.samples.append((t, float(counts[j])))
            total_sum.samples.append((t, round(obs_sum, 6)))
            total_count.samples.append((t, float(counts[-1])))
        return per_bucket + [total_sum, total_count]

    # --- the dataset --------------------------------------------------------

    def series(self) -> list[Series]:
        out: list[Series] = []
        out += self._http_requests()
        out += self._node()
        out += self._temperature()
        out += self._histograms()
        out += self._odd_histograms()
        out += self._misc()
        return out

    def _http_requests(self) -> list[Series]:
        out = []
        if self.big:
            jobs = [f"svc{i}" for i in range(10)]
            instances = [f"10.0.1.{i}:8080" for i in range(10)]
            methods, statuses = ["GET", "POST"], ["200", "201", "404", "500", "503"]
        else:
            jobs = ["api", "web", "worker"]
            instances = [f"10.0.0.{i}:9100" for i in range(1, 5)]
            methods, statuses = ["GET", "POST"], ["200", "404", "500"]
        for job in jobs:
            for n, inst in enumerate(instances):
                start, end, interval, jitter = None, None, self.big_interval_ms if self.big else 15_000, 0
                if not self.big:
                    if job == "worker":
                        interval = 30_000
                    if job == "worker" and n == 3:
                        start = self.hours_in(2)          # starts late
                    if job == "web" and n == 1:
                        end = self.hours_in(4)            # stops early
                    if job == "api" and n == 3:
                        jitter = 4_000                    # irregular scrapes
                times = self.grid(interval, start, end, jitter)
                for method in methods:
                    for status in statuses:
                        rate = {"200": 5.0, "201": 1.0, "404": 0.4, "500": 0.05, "503": 0.02}[status]
                        rate *= 1.6 if method == "GET" else 1.0
                        labels = {"job": job, "instance": inst, "method": method, "status": status}
                        out.append(self.counter("http_requests_total", labels, times, rate,
                                                resets=self.rng.choice([0, 0, 1, 2])))
        return out

    def _node(self) -> list[Series]:
        if self.big:
            return []
        out = []
        times = self.grid(15_000)
        for n in range(1, 5):
            inst = f"10.0.0.{n}:9100"
            out.append(self.gauge("node_memory_bytes", {"job": "node", "instance": inst, "kind": "used"},
                                  times, 2e9 * n, 3e8))
            out.append(self.gauge("node_memory_bytes", {"job": "node", "instance": inst, "kind": "free"},
                                  times, 8e9 - 1.5e9 * n, 2e8))
            for cpu in range(4):
                for mode, rate in (("user", 0.3), ("system", 0.1), ("idle", 0.55), ("iowait", 0.02)):
                    out.append(self.counter("node_cpu_seconds_total",
                                            {"job": "node", "instance": inst, "cpu": str(cpu), "mode": mode},
                                            times, rate, resets=1 if (n == 2 and cpu == 0) else 0))
        return out

    def _temperature(self) -> list[Series]:
        if self.big:
            return []
        out = []
        times = self.grid(15_000)
        for loc, mean in (("freezer", -18.0), ("fridge", 4.0), ("office", 21.0), ("roof", 0.0),
                          ("server-room", 27.5), ("lab", 19.0)):
            for sensor in ("a", "b"):
                s = self.gauge("temperature_celsius", {"location": loc, "sensor": sensor}, times, mean, 3.0)
                out.append(s)
        # Special values and shapes, each on its own series.
        freezer_a, fridge_b, roof_a, roof_b, lab_a, lab_b = out[0], out[3], out[6], out[7], out[10], out[11]
        for i in range(0, len(freezer_a.samples), 37):
            t, _ = freezer_a.samples[i]
            freezer_a.samples[i] = (t, math.nan)                  # NaN now and then
        fridge_b.samples[len(fridge_b.samples) // 2] = (fridge_b.samples[len(fridge_b.samples) // 2][0], math.inf)
        fridge_b.samples[-20] = (fridge_b.samples[-20][0], -math.inf)
        roof_a.samples = [(t, 0.0) for t, _ in roof_a.samples]    # constant zero
        roof_b.samples = [(t, round(-abs(v) - 0.5, 3)) for t, v in roof_b.samples]  # always negative
        # A 20-minute gap (stale by lookback) in the middle of lab/a, and 8 minutes near the end.
        mid = self.hours_in(3)
        lab_a.samples = [(t, v) for t, v in lab_a.samples if not (mid <= t < mid + 1_200_000)]
        tail = self.end_ms - 900_000
        lab_b.samples = [(t, v) for t, v in lab_b.samples if not (tail <= t < tail + 480_000)]
        return out

    def _histograms(self) -> list[Series]:
        out = []
        if self.big:
            times = self.grid(self.big_interval_ms)
            for j in range(5):
                for n in range(10):
                    out += self.histogram("request_duration_seconds", {"job": f"svc{j}", "instance": f"10.0.1.{n}:8080"},
                                          times, BIG_BUCKETS)
            return out
        for job in ("api", "web"):
            for n in range(1, 4):
                inst = f"10.0.0.{n}:9100"
                times = self.grid(15_000, end_ms=self.hours_in(5) if (job == "web" and n == 3) else None)
                out += self.histogram("request_duration_seconds", {"job": job, "instance": inst}, times,
                                      HISTOGRAM_BUCKETS, resets=1 if n == 2 else 0)
        return out

    def _odd_histograms(self) -> list[Series]:
        """Histograms that break the rules: no +Inf bucket, non-monotonic counts, one bucket only, NaN."""
        if self.big:
            return []
        times = self.grid(60_000)
        out = []
        hist = self.histogram("odd_seconds", {"case": "no_inf"}, times, ["0.1", "1", "10", "+Inf"])
        out += [s for s in hist if s.labels.get("le") != "+Inf"]
        hist = self.histogram("odd_seconds", {"case": "non_monotonic"}, times, ["0.1", "1", "10", "+Inf"])
        for s in hist:
            if s.labels.get("le") == "1":
                s.samples = [(t, v * 0.5) for t, v in s.samples]
        out += hist
        hist = self.histogram("odd_seconds", {"case": "only_inf"}, times, ["+Inf"])
        out += hist
        hist = self.histogram("odd_seconds", {"case": "negative_bound"}, times, ["-1", "0", "1", "+Inf"])
        out += hist
        return out

    def _misc(self) -> list[Series]:
        if self.big:
            return []
        out = []
        times = self.grid(15_000)
        for job, insts in (("api", 4), ("web", 4), ("worker", 4), ("node", 4)):
            for n in range(1, insts + 1):
                s = Series("up", {"job": job, "instance": f"10.0.0.{n}:9100"})
                s.samples = [(t, 0.0 if (job == "worker" and n == 2 and (i // 120) % 2) else 1.0)
                             for i, t in enumerate(times)]
                out.append(s)
        for dev, mount in (("sda1", "/"), ("sda2", "/var"), ("nvme0n1p1", "/data")):
            out.append(self.gauge("disk_free_bytes", {"device": dev, "mountpoint": mount, "instance": "10.0.0.1:9100"},
                                  times, 5e10, 1e9))
        for job in ("api", "web"):
            out.append(self.gauge("job:http_requests:rate5m", {"job": job}, times, 30.0, 10.0))
        # Build info style metric with a value of 1 and many labels, and a huge / tiny value series.
        out.append(Series("build_info", {"version": "1.2.3", "revision": "abc123", "goversion": "go1.19"},
                          [(t, 1.0) for t in times]))
        out.append(Series("tiny_value", {}, [(t, 1e-7 * (1 + i % 5)) for i, t in enumerate(times)]))
        out.append(Series("huge_value", {}, [(t, 1e22 * (1 + i % 3)) for i, t in enumerate(times)]))
        return out


# --- encodings ----------------------------------------------------------------

def openmetrics_lines(series: list[Series]) -> Iterator[str]:
    """OpenMetrics samples (no TYPE lines: every family is `unknown`), then `# EOF`."""
    for s in series:
        lt = s.label_text()
        for t, v in s.samples:
            yield f"{s.name}{lt} {fmt_value(v)} {t // 1000}.{t % 1000:03d}\n"
    yield "# EOF\n"


def prometheus_text_chunks(series: list[Series], max_bytes: int = 8 << 20) -> Iterator[bytes]:
    """Prometheus text exposition lines with ms timestamps, cut into bodies of at most `max_bytes`."""
    buf: list[str] = []
    size = 0
    for s in series:
        lt = s.label_text()
        for t, v in s.samples:
            line = f"{s.name}{lt} {fmt_value(v)} {t}\n"
            if size + len(line) > max_bytes and buf:
                yield "".join(buf).encode()
                buf, size = [], 0
            buf.append(line)
            size += len(line)
    if buf:
        yield "".join(buf).encode()


def write_openmetrics(series: list[Series], path: Path) -> None:
    with open(path, "w") as f:
        for line in openmetrics_lines(series):
            f.write(line)


def sample_count(series: list[Series]) -> int:
    return sum(len(s.samples) for s in series)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--end-ms", type=int, default=None)
    ap.add_argument("--hours", type=float, default=6)
    ap.add_argument("--big", action="store_true", help="the benchmark's variant (1,000 counter series)")
    args = ap.parse_args()
    end = args.end_ms or default_end_ms()
    series = Generator(end, hours=args.hours, big=args.big).series()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_openmetrics(series, args.out_dir / "data.om")
    with open(args.out_dir / "data.prom", "wb") as f:
        for chunk in prometheus_text_chunks(series):
            f.write(chunk)
    print(f"{len(series)} series, {sample_count(series)} samples, end {end}")


if __name__ == "__main__":
    main()
