#!/usr/bin/env python3
"""Dashboard-style PromQL queries on Petrel and Prometheus 2.42, side by side.

Both servers get the same generated data (tests/promql/generate.py, the big
variant: 1,000 `http_requests_total` series and 50 histograms of 10 buckets,
24 h at 30 s): Prometheus as blocks made by promtool, Petrel through
`/api/v1/import/prometheus`. Each query runs `--reps` times on each server, one
after the other, after one warm-up call; the median latency (client-side, full
HTTP round trip including JSON) is reported with the ratio Prometheus / Petrel
(> 1 means Petrel is faster). Answers are compared too, so a fast wrong answer
shows up.

    python3 scripts/bench/promql.py [--petrel-bin PATH] [--reps 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests"))

from harness import PetrelServer  # noqa: E402
from prom_harness import PrometheusServer, import_into_petrel, wait_same_samples  # noqa: E402
from promql.compare import first_difference  # noqa: E402
from promql.generate import Generator, default_end_ms, sample_count  # noqa: E402

HOURS = 24
RATE = "sum by (job) (rate(http_requests_total[5m]))"
HQ = "histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[5m])))"


def cases(end: float) -> list[tuple[str, str, dict]]:
    """(name, path, params) of every benchmarked query."""
    def instant(q):
        return "/api/v1/query", {"query": q, "time": f"{end:.3f}"}

    def rng(q, seconds, step):
        return "/api/v1/query_range", {"query": q, "start": f"{end - seconds:.3f}", "end": f"{end:.3f}", "step": step}

    return [
        ("rate sum by job, instant", *instant(RATE)),
        ("rate sum by job, 1h range @15s", *rng(RATE, 3600, "15s")),
        ("histogram_quantile, instant", *instant(HQ)),
        ("histogram_quantile, 1h range @15s", *rng(HQ, 3600, "15s")),
        ("topk(5) of rate by instance, instant",
         *instant("topk(5, sum by (job, instance) (rate(http_requests_total[5m])))")),
        ("rate sum by job, 24h range @60s", *rng(RATE, 86_400 - 600, "60s")),
        ("subquery max_over_time(rate[5m])[1h:1m]",
         *instant("max_over_time(rate(http_requests_total[5m])[1h:1m])")),
    ]


def timed(session: requests.Session, base: str, path: str, params: dict) -> tuple[float, dict]:
    t0 = time.perf_counter()
    resp = session.post(base + path, data=params, timeout=300)
    body = resp.json()
    return time.perf_counter() - t0, body


def petrel_binary(arg: str | None) -> Path:
    for cand in (arg, os.environ.get("PETREL_BIN"), REPO / ".build/release/petrel", REPO / ".build/debug/petrel"):
        if cand and Path(cand).exists():
            return Path(cand)
    sys.exit("no petrel binary: build it (swift build -c release --product petrel) or pass --petrel-bin")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--petrel-bin")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--tmp", default="/tmp")
    args = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="promql-bench-", dir=args.tmp))
    end_ms = default_end_ms()
    gen_start = time.monotonic()
    series = Generator(end_ms, hours=HOURS, big=True).series()
    print(f"dataset: {len(series)} series, {sample_count(series)} samples over {HOURS}h "
          f"(generated in {time.monotonic() - gen_start:.0f}s)", flush=True)
    prom = PrometheusServer(root / "prometheus")
    petrel = PetrelServer(root / "petrel", binary=petrel_binary(args.petrel_bin))
    try:
        t0 = time.monotonic()
        prom.create_blocks(series)
        prom.start()
        print(f"prometheus loaded in {time.monotonic() - t0:.0f}s", flush=True)
        petrel.start()
        t0 = time.monotonic()
        import_into_petrel(petrel.base, series)
        wait_same_samples(petrel.base, prom.base, series, end_ms, HOURS, timeout=900)
        print(f"petrel loaded in {time.monotonic() - t0:.0f}s", flush=True)
        del series

        sessions = {"petrel": requests.Session(), "prometheus": requests.Session()}
        bases = {"petrel": petrel.base, "prometheus": prom.base}
        rows = []
        for name, path, params in cases(end_ms / 1000):
            answers, medians = {}, {}
            for server in ("petrel", "prometheus"):
                _, answers[server] = timed(sessions[server], bases[server], path, params)  # warm-up
                times = [timed(sessions[server], bases[server], path, params)[0] for _ in range(args.reps)]
                medians[server] = statistics.median(times)
            diff = first_difference(answers["petrel"], answers["prometheus"])
            ratio = medians["prometheus"] / medians["petrel"]
            rows.append({"query": name, "params": params, "petrel_ms": medians["petrel"] * 1000,
                         "prometheus_ms": medians["prometheus"] * 1000, "speedup": ratio,
                         "same_answer": diff is None, "difference": diff})
            print(f"{name:42s} petrel {medians['petrel'] * 1000:9.1f} ms  prometheus "
                  f"{medians['prometheus'] * 1000:9.1f} ms  x{ratio:5.2f}"
                  + ("" if diff is None else f"  DIFFERENT: {diff[:120]}"), flush=True)
        ok = [r["speedup"] for r in rows if r["speedup"] > 0]
        geo = math.exp(sum(math.log(r) for r in ok) / len(ok)) if ok else 0
        print(f"geometric mean speedup (Prometheus / Petrel): x{geo:.2f}")
        if args.json:
            args.json.write_text(json.dumps({"rows": rows, "geomean_speedup": geo, "reps": args.reps}, indent=2))
    finally:
        for s in (petrel, prom):
            try:
                s.stop()
            except Exception:  # noqa: BLE001 - keep stopping the other
                s.kill9()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
