#!/usr/bin/env python3
"""Side-by-side line-protocol ingest benchmark: InfluxDB 1.6, VictoriaMetrics and Petrel.

One sender, used identically against every target. Each target is started by
this script on 127.0.0.1 with a fresh temporary data dir (Petrel with
`--fsync interval`). Several sender processes (one HTTP keep-alive connection
each) post pre-generated batches of Telegraf-`cpu`-like lines for a fixed
duration. After each run the stored sample count is checked against what was
acknowledged; a run whose data is not all there is reported as invalid.

See scripts/bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests"))

from harness import InfluxDBServer, PetrelServer, VictoriaMetricsServer, wait_until  # noqa: E402

FIELDS = ["usage_user", "usage_system", "usage_idle", "usage_iowait", "usage_irq", "usage_softirq",
          "usage_steal", "usage_nice", "usage_guest", "usage_guest_nice"]
REGIONS = 4


def series_prefixes(hosts: int, cpus: int, worker: int, workers: int) -> list[bytes]:
    """Line prefixes (measurement + tags) of the series one worker owns; hosts are split between workers."""
    out = []
    for h in range(worker, hosts, workers):
        for c in range(cpus):
            out.append(f"cpu,host=h{h},cpu=cpu{c},region=r{h % REGIONS} ".encode())
    return out


def field_sets(n: int, seed: int) -> list[bytes]:
    """A pool of realistic field strings to cycle through (values vary, generation stays cheap)."""
    import random
    rng = random.Random(seed)
    pool = []
    for _ in range(n):
        vals = [rng.uniform(0, 100) for _ in FIELDS]
        pool.append(",".join(f"{f}={v:.4f}" for f, v in zip(FIELDS, vals)).encode())
    return pool


def make_bodies(prefixes: list[bytes], n_bodies: int, batch: int, start_s: int, seed: int) -> list[bytes]:
    """Bodies of `batch` lines; each pass over the worker's series advances the timestamp by 1 s."""
    pool = field_sets(97, seed)
    bodies = []
    n_series = len(prefixes)
    i = 0
    for _ in range(n_bodies):
        lines = []
        for _ in range(batch):
            s = i % n_series
            ts = (start_s + i // n_series) * 1_000_000_000
            lines.append(prefixes[s] + pool[i % 97] + b" " + str(ts).encode() + b"\n")
            i += 1
        bodies.append(b"".join(lines))
    return bodies


def sender(worker: int, args_d: dict, port: int, path: str, ready, start, results) -> None:
    """One sender process: pre-generates its bodies, waits for the start signal, posts until the deadline."""
    prefixes = series_prefixes(args_d["hosts"], args_d["cpus"], worker, args_d["connections"])
    bodies = make_bodies(prefixes, args_d["bodies_per_worker"], args_d["batch"], args_d["start_s"], worker)
    ready.put(worker)
    start.wait()
    deadline = time.monotonic() + args_d["duration"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    ok_lines = errors = sent = 0
    last_error = ""
    t0 = time.monotonic()
    exhausted = False
    while time.monotonic() < deadline:
        if sent >= len(bodies):
            exhausted = True
            break
        body = bodies[sent]
        sent += 1
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "text/plain"})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status == 204:
                ok_lines += args_d["batch"]
            else:
                errors += 1
                last_error = f"HTTP {resp.status} {data[:200]!r}"
        except (OSError, http.client.HTTPException) as exc:
            errors += 1
            last_error = repr(exc)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    elapsed = time.monotonic() - t0
    conn.close()
    results.put({"worker": worker, "ok_lines": ok_lines, "errors": errors, "elapsed": elapsed,
                 "exhausted": exhausted, "last_error": last_error, "sent_bodies": sent})


def start_target(name: str, work: Path, petrel_bin: str):
    if name == "influxdb":
        s = InfluxDBServer(work)
        s.start()
        s.create_database("bench")
        return s, "/write?db=bench&precision=ns"
    if name == "victoriametrics":
        s = VictoriaMetricsServer(work)
        s.start()
        return s, "/write?db=bench&precision=ns"
    if name == "petrel":
        s = PetrelServer(work, binary=Path(petrel_bin), fsync=os.environ.get("PETREL_BENCH_FSYNC", "interval"), log_level="warning")
        s.start()
        return s, "/write?db=bench&precision=ns"
    raise SystemExit(f"unknown target {name}")


def stored_count(name: str, server, start_s: int, end_s: int) -> int:
    """How many `usage_user` values the target holds (= lines stored)."""
    import requests
    if name == "influxdb":
        body = server.influxql("SELECT count(usage_user) FROM cpu", db="bench")
        series = body["results"][0].get("series") or []
        return int(series[0]["values"][0][1]) if series else 0
    window = end_s - start_s + 60
    q = f"sum(count_over_time(cpu_usage_user[{window}s]))"
    r = requests.get(server.base + "/api/v1/query", params={"query": q, "time": str(end_s + 30)}, timeout=300)
    if r.status_code == 200:
        res = r.json()["data"]["result"]
        return int(float(res[0]["value"][1])) if res else 0
    # A server without count_over_time: fetch the raw samples and count them (slower, same answer).
    r = requests.get(server.base + "/api/v1/query", params={"query": f"cpu_usage_user[{window}s]",
                                                            "time": str(end_s + 30)}, timeout=600)
    r.raise_for_status()
    return sum(len(s["values"]) for s in r.json()["data"]["result"])


def run_once(name: str, args, run_idx: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-", dir=args.tmp))
    start_s = int(time.time()) - 6 * 3600
    args_d = {"hosts": args.hosts, "cpus": args.cpus, "connections": args.connections, "batch": args.batch,
              "duration": args.duration, "bodies_per_worker": args.bodies_per_worker, "start_s": start_s}
    server, path = start_target(name, work, args.petrel_bin)
    try:
        ctx = mp.get_context("fork")
        ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
        procs = [ctx.Process(target=sender, args=(w, args_d, server.port, path, ready, start, results))
                 for w in range(args.connections)]
        for p in procs:
            p.start()
        for _ in procs:
            ready.get(timeout=600)
        start.set()
        outs = [results.get(timeout=args.duration + 300) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        ok_lines = sum(o["ok_lines"] for o in outs)
        elapsed = max(o["elapsed"] for o in outs)
        errors = sum(o["errors"] for o in outs)
        series_per_worker = len(series_prefixes(args.hosts, args.cpus, 0, args.connections))
        max_sent = max(o["sent_bodies"] for o in outs)
        end_s = start_s + (max_sent * args.batch) // max(1, series_per_worker) + 1
        expected = ok_lines
        sent_at = time.monotonic()
        try:
            stored = wait_until(lambda: (lambda c: c if c >= expected else None)(stored_count(name, server, start_s, end_s)),
                                timeout=args.verify_timeout, interval=1.0, what=f"{expected} lines stored in {name}")
        except TimeoutError:
            try:
                stored = stored_count(name, server, start_s, end_s)
            except Exception as exc:  # noqa: BLE001 - the run is reported invalid
                print(f"{name}: cannot count stored lines: {exc}", file=sys.stderr)
                stored = -1
        # How long after the last acknowledgement every acknowledged line was queryable.
        catch_up = time.monotonic() - sent_at
        valid = stored >= expected and errors == 0 and not any(o["exhausted"] for o in outs)
        lines_s = ok_lines / elapsed if elapsed > 0 else 0.0
        e2e_lines_s = ok_lines / (elapsed + catch_up) if elapsed > 0 else 0.0
        return {"target": name, "run": run_idx, "lines": ok_lines, "elapsed_s": round(elapsed, 3),
                "lines_per_s": round(lines_s), "points_per_s": round(lines_s * len(FIELDS)),
                "queryable_after_s": round(catch_up, 2), "e2e_lines_per_s": round(e2e_lines_s),
                "errors": errors, "stored_lines": stored, "valid": valid,
                "exhausted_bodies": any(o["exhausted"] for o in outs),
                "last_error": next((o["last_error"] for o in outs if o["last_error"]), "")}
    finally:
        server.stop(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


def machine() -> dict:
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def main() -> int:
    default_bin = REPO / ".build" / "release" / "petrel"
    if not default_bin.exists():
        default_bin = REPO / ".build" / "debug" / "petrel"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--targets", default="influxdb,victoriametrics,petrel")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of sending per run")
    ap.add_argument("--connections", type=int, default=4, help="concurrent sender processes")
    ap.add_argument("--runs", type=int, default=3, help="runs per target; the median is reported")
    ap.add_argument("--batch", type=int, default=5000, help="lines per request")
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--cpus", type=int, default=8)
    ap.add_argument("--bodies-per-worker", type=int, default=200,
                    help="pre-generated bodies per sender; a sender that runs out ends its run early (invalid)")
    ap.add_argument("--petrel-bin", default=os.environ.get("PETREL_BIN", str(default_bin)))
    ap.add_argument("--verify-timeout", type=float, default=60.0)
    ap.add_argument("--tmp", default="/tmp")
    ap.add_argument("--json", dest="json_out", help="also write the results as JSON to this file")
    args = ap.parse_args()

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    runs: list[dict] = []
    for name in targets:
        for i in range(args.runs):
            r = run_once(name, args, i)
            runs.append(r)
            print(f"{name} run {i}: {r['lines_per_s']:,} lines/s, {r['points_per_s']:,} points/s, "
                  f"queryable {r['queryable_after_s']} s later ({r['e2e_lines_per_s']:,} lines/s end to end), "
                  f"errors={r['errors']} stored={r['stored_lines']}/{r['lines']} valid={r['valid']}"
                  + (f" last_error={r['last_error']}" if r["last_error"] else ""), file=sys.stderr, flush=True)

    summary = {}
    for name in targets:
        mine = [r for r in runs if r["target"] == name]
        valid = [r for r in mine if r["valid"]]
        use = valid or mine
        summary[name] = {"lines_per_s": round(statistics.median(r["lines_per_s"] for r in use)),
                         "points_per_s": round(statistics.median(r["points_per_s"] for r in use)),
                         "e2e_lines_per_s": round(statistics.median(r["e2e_lines_per_s"] for r in use)),
                         "valid_runs": len(valid), "runs": len(mine)}
    ratios = {}
    if "petrel" in summary:
        for other in ("influxdb", "victoriametrics"):
            if other in summary and summary[other]["lines_per_s"]:
                ratios[f"petrel/{other}"] = round(summary["petrel"]["lines_per_s"] / summary[other]["lines_per_s"], 3)
                ratios[f"petrel/{other} end to end"] = round(
                    summary["petrel"]["e2e_lines_per_s"] / summary[other]["e2e_lines_per_s"], 3)

    m = machine()
    print(f"\nIngest benchmark {m['date']}  nproc={m['nproc']}  memory={m['memory_gib']} GiB  "
          f"connections={args.connections}  batch={args.batch}  duration={args.duration}s  "
          f"series={args.hosts * args.cpus}  runs={args.runs} (median)")
    print(f"{'target':<16} {'lines/s':>12} {'points/s':>13} {'e2e lines/s':>12} {'valid runs':>11}")
    for name, s in summary.items():
        flag = "" if s["valid_runs"] == s["runs"] else "  (some runs INVALID)"
        print(f"{name:<16} {s['lines_per_s']:>12,} {s['points_per_s']:>13,} {s['e2e_lines_per_s']:>12,} "
              f"{s['valid_runs']:>6}/{s['runs']}{flag}")
    for k, v in ratios.items():
        print(f"{k:<28} {v:.3f}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": m, "config": {
            "targets": targets, "duration_s": args.duration, "connections": args.connections, "batch": args.batch,
            "fields_per_line": len(FIELDS), "series": args.hosts * args.cpus, "runs": args.runs,
            "petrel_bin": args.petrel_bin if "petrel" in targets else None},
            "summary": summary, "ratios": ratios, "runs": runs}, indent=2))
    return 0 if all(s["valid_runs"] == s["runs"] for s in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
