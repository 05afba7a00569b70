#!/usr/bin/env python3
"""StatsD ingest benchmark: UDP packets at a fixed rate into Petrel's `statsd` source.

Starts `petrel serve` (the binary in $PETREL_BIN, default the release build)
with a statsd source (UDP, flush 1s) → tsdb, then runs several sender
processes that each send one metric per datagram at a fixed share of the
target rate, paced in 1 ms slices. Afterwards it compares

  * packets sent,
  * `petrel_component_received_events_total{component_id="bench"}` (one event per metric line),
  * the kernel's `Udp: RcvbufErrors` from /proc/net/snmp (datagrams dropped because
    the socket buffer was full; system-wide, so keep the machine otherwise quiet),

and prints the received rate and the loss. Usage:

  swift build -c release --product petrel
  python3 scripts/bench/statsd.py --rate 300000 --seconds 10 --senders 2
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "tests"))

import requests  # noqa: E402

from harness import PetrelServer, free_port, wait_until  # noqa: E402


def rcvbuf_errors() -> int:
    with open("/proc/net/snmp") as f:
        lines = [line.split() for line in f if line.startswith("Udp:")]
    header, values = lines[0], lines[1]
    return int(values[header.index("RcvbufErrors")])


def received(base: str) -> int:
    text = requests.get(base + "/metrics", timeout=10).text
    total = 0
    for line in text.splitlines():
        if line.startswith("petrel_component_received_events_total{") and 'component_id="bench"' in line:
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def sender(port: int, rate: float, seconds: float, worker: int, series: int, start_at: float, out) -> None:
    """Sends `rate` packets/s for `seconds`, paced per millisecond; reports how many it sent."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    kinds = ["c", "g", "ms"]
    packets = [f"bench.w{worker}.m{i % series}:{i % 97}|{kinds[i % 3]}|#shard:{i % 8}".encode()
               for i in range(series)]
    send = sock.send
    n = len(packets)
    sent = 0
    while time.time() < start_at:
        time.sleep(0.001)
    t0 = time.perf_counter()
    end = t0 + seconds
    i = 0
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        due = int((now - t0) * rate)
        while sent < due:
            try:
                send(packets[i])
            except OSError:
                pass
            i += 1
            if i == n:
                i = 0
            sent += 1
    out.put(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=300_000, help="packets per second, all senders together")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--series", type=int, default=1000, help="distinct series per sender")
    parser.add_argument("--binary", default=os.environ.get("PETREL_BIN", str(REPO / ".build/release/petrel")))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="petrel-bench-statsd-"))
    port = free_port()
    config = work / "petrel.yaml"
    config.write_text(
        "sources:\n  bench:\n    type: statsd\n"
        f"    address: 127.0.0.1:{port}\n    flush_interval: 1s\n"
        "sinks:\n  db:\n    type: tsdb\n    inputs: [bench]\n")
    server = PetrelServer(work / "petrel", binary=Path(args.binary), log_level="warning",
                          extra_args=["--config", str(config)])
    server.start()
    try:
        time.sleep(1)
        drops_before = rcvbuf_errors()
        events_before = received(server.base)
        out: mp.Queue = mp.Queue()
        start_at = time.time() + 0.5
        procs = [mp.Process(target=sender, args=(port, args.rate / args.senders, args.seconds, w, args.series,
                                                 start_at, out)) for w in range(args.senders)]
        for p in procs:
            p.start()
        sent = sum(out.get(timeout=args.seconds + 60) for _ in procs)
        for p in procs:
            p.join(timeout=10)
        # Let the event loop drain the socket buffer before reading the counters.
        try:
            wait_until(lambda: received(server.base) - events_before >= sent, timeout=5, what="drain")
        except TimeoutError:
            pass  # some were lost; the figures below say how many
        got = received(server.base) - events_before
        drops = rcvbuf_errors() - drops_before
        print(f"sent {sent} packets in {args.seconds:.0f}s ({sent / args.seconds:,.0f}/s, {args.senders} senders)")
        print(f"received {got} ({got / args.seconds:,.0f}/s); lost {sent - got} "
              f"({100 * (sent - got) / max(1, sent):.3f}%); kernel RcvbufErrors +{drops}")
        print(f"petrel alive: {server.alive()}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
