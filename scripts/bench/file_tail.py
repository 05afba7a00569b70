#!/usr/bin/env python3
"""file → topic benchmark: how fast the `file` source moves 200-byte lines
from a file into its topic.

Writes --mib MiB of 200-byte lines (199 characters + newline) to a file under
--tmp, starts `petrel serve` (release build unless --petrel-bin says otherwise,
default `--fsync interval`) with one `file` source reading it from the
beginning and no sink (the topic is the destination), and measures the time
from start-up until the topic's end offset (GET /api/v1/broker/topics/<name>)
reaches the number of lines. Start-up time (until /ready) is not counted.
It also reports the CPU time the server used (utime + stime from /proc) and
MiB per CPU-second, which a busy machine does not distort as it does MiB/s.

    swift build -c release --product petrel
    python3 scripts/bench/file_tail.py --mib 2048
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from harness import PetrelServer  # noqa: E402

LINE_BYTES = 200


def write_lines(path: Path, mib: int) -> int:
    """Writes `mib` MiB of numbered 200-byte lines; returns how many."""
    lines = (mib << 20) // LINE_BYTES
    chunk_lines = 5000
    filler = "GET /api/v1/items?page=2&sort=desc HTTP/1.1 200 1532 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.012 "
    with open(path, "w") as f:
        n = 0
        while n < lines:
            count = min(chunk_lines, lines - n)
            block = []
            for i in range(n, n + count):
                head = f"{i:012d} 10.0.{i % 250}.{i % 199} - - [22/Nov/2026:10:00:00 +0000] "
                body = (head + filler * 3)[:LINE_BYTES - 1]
                block.append(body + "\n")
            f.write("".join(block))
            n += count
    return lines


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (0 when unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def topic_end(base: str, topic: str) -> int:
    try:
        r = requests.get(f"{base}/api/v1/broker/topics/{topic}", timeout=2)
    except requests.RequestException:
        return 0
    if r.status_code != 200:
        return 0
    return sum(p["endOffset"] for p in r.json()["partitions"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=2048, help="MiB of lines to write (default 2048)")
    parser.add_argument("--petrel-bin", default=os.environ.get("PETREL_BIN") or str(REPO / ".build/release/petrel"))
    parser.add_argument("--fsync", default="interval", help="--fsync for petrel (default interval)")
    parser.add_argument("--tmp", default="/tmp")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the topic")
    parser.add_argument("--json", help="write the result here as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="petrel-file-bench-", dir=args.tmp))
    try:
        log = work / "input.log"
        lines = write_lines(log, args.mib)
        size = log.stat().st_size
        config = work / "petrel.yaml"
        config.write_text(f"sources:\n  bench:\n    type: file\n    include: [\"{log}\"]\n    read_from: beginning\n")
        # Start with the file not yet matched, so the clock starts when the source does.
        server = PetrelServer(work / "petrel", binary=Path(args.petrel_bin).resolve(), fsync=args.fsync, log_level="warning",
                              extra_args=["--config", str(config)])
        start = time.monotonic()
        server.start()
        ready = time.monotonic()
        cpu_at_ready = cpu_seconds(server.proc.pid)
        last = 0
        while True:
            end = topic_end(server.base, "bench")
            if end >= lines:
                break
            if time.monotonic() - start > args.timeout:
                print(f"timed out: {end} of {lines} lines after {args.timeout}s", file=sys.stderr)
                server.stop()
                return 1
            last = end
            time.sleep(0.05)
        done = time.monotonic()
        cpu = cpu_seconds(server.proc.pid) - cpu_at_ready
        rss = 0
        try:
            status = Path(f"/proc/{server.proc.pid}/status").read_text()
            rss = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:"))) // 1024
        except Exception:  # noqa: BLE001 - reporting only
            pass
        server.stop()
        seconds = done - ready
        result = {
            "lines": lines, "file_bytes": size, "seconds_from_ready": round(seconds, 3),
            "seconds_from_start": round(done - start, 3),
            "mib_per_s": round(size / (1 << 20) / seconds, 1), "lines_per_s": round(lines / seconds),
            "peak_rss_mib": rss, "fsync": args.fsync,
            # CPU the server used while moving the file: MiB per CPU-second does not depend on
            # how busy the rest of the machine is, wall-clock MiB/s does.
            "cpu_seconds": round(cpu, 2), "mib_per_cpu_s": round(size / (1 << 20) / cpu, 1) if cpu else None,
            "load_average": round(os.getloadavg()[0], 1),
        }
        print(json.dumps(result, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
