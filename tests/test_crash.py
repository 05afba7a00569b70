"""Crash safety: every write Petrel acknowledged with 204 survives `kill -9`.

A writer thread sends small batches with unique values (sample value = its
sequence number, timestamp = base + sequence ms) and records which batches got
204. The server is killed with SIGKILL at seeded random moments and restarted on
the same port and data directory. At the end every acknowledged sample must be
queryable with its exact value; nothing may have a value that was never written.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
import requests

from harness import describe
from promapi import raw_samples, t_ms, wait_samples, write_lp

BATCH = 10
KILLS = 5
SEED = 20240601


class Writer(threading.Thread):
    """Sends batches until stopped; remembers the sequence numbers of acknowledged samples."""

    def __init__(self, server, metric: str, base_ms: int, max_batches: int = 20000):
        super().__init__(daemon=True)
        self.server = server
        self.metric = metric
        self.base_ms = base_ms
        self.max_batches = max_batches
        self.next_seq = 0
        self.acked: list[int] = []
        self.failed_batches = 0
        self.unexpected: list[str] = []
        self.stop_event = threading.Event()
        self.session = requests.Session()

    def run(self) -> None:
        for _ in range(self.max_batches):
            if self.stop_event.is_set():
                return
            seqs = list(range(self.next_seq, self.next_seq + BATCH))
            self.next_seq += BATCH      # a sequence number is never reused, acknowledged or not
            body = "".join(f"{self.metric},w=1 v={s} {self.base_ms + s}\n" for s in seqs)
            try:
                r = self.session.post(f"{self.server.base}/write", params={"db": "crash", "precision": "ms"},
                                      data=body.encode(), timeout=5)
            except requests.RequestException:
                self.failed_batches += 1
                self.session.close()
                self.session = requests.Session()
                time.sleep(0.02)
                continue
            if r.status_code == 204:
                self.acked.extend(seqs)
            elif r.status_code >= 500 or r.status_code in (502, 503):
                self.failed_batches += 1     # a server that is starting up may refuse writes
                time.sleep(0.02)
            else:
                self.unexpected.append(describe(r))
                time.sleep(0.02)


@pytest.mark.parametrize("fsync", ["always", "interval"])
def test_acknowledged_writes_survive_kill_9(petrel_factory, fsync):
    server = petrel_factory.start(fsync=fsync)
    metric = f"crash_{fsync}"
    base_ms = (int(time.time()) - 3600) * 1000
    rng = random.Random(SEED)
    writer = Writer(server, metric, base_ms)
    writer.start()
    acked_at_kill = []
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.3, 1.5))
            acked_at_kill.append(len(writer.acked))
            server.kill9()
            time.sleep(rng.uniform(0.0, 0.3))
            server.start_with_retry()
        time.sleep(0.5)
    finally:
        writer.stop_event.set()
        writer.join(timeout=15)
    assert not writer.is_alive()
    assert not writer.unexpected, writer.unexpected[:5]
    acked = sorted(writer.acked)
    assert len(acked) >= BATCH * KILLS, f"too few acknowledged writes to mean anything: {len(acked)}"
    # Writes were acknowledged between kills, not only before the first one.
    assert len(acked) > acked_at_kill[0], (acked_at_kill, len(acked))

    window_s = (writer.next_seq // 1000) + 60
    at_ms = base_ms + writer.next_seq + 1000
    try:
        wait_samples(server.base, f"{metric}_v", None, at_ms, window_s, count=len(acked), timeout=30)
    except TimeoutError:
        pass    # reported below with the exact samples that are missing
    stored = {}
    for series in raw_samples(server.base, f"{metric}_v", None, at_ms, window_s):
        for t, v in series["values"]:
            stored[t_ms(t)] = float(v)
    missing = [s for s in acked if stored.get(base_ms + s) != float(s)]
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged samples lost or wrong, e.g. {missing[:10]}"
    wrong = {ts: v for ts, v in stored.items() if v != float(ts - base_ms)}
    assert not wrong, f"samples with values that were never written: {list(wrong.items())[:10]}"


def test_sigterm_stops_cleanly_and_data_survives_restart(petrel_factory):
    server = petrel_factory.start()
    ts_ms = (int(time.time()) - 600) * 1000
    r = write_lp(server.base, f"graceful,t=x v=123 {ts_ms}\n", db="crash", precision="ms")
    assert r.status_code == 204, describe(r)
    code = server.stop(timeout=20)
    assert code == 0, f"exit code after SIGTERM: {code}; log:\n{server.log_tail()}"
    server.start_with_retry()
    res = wait_samples(server.base, "graceful_v", None, ts_ms + 1000, 60, count=1)
    assert [(t_ms(t), float(v)) for t, v in res[0]["values"]] == [(ts_ms, 123.0)]


def test_ready_and_health_answer_200(petrel):
    assert requests.get(petrel.base + "/health", timeout=5).status_code == 200
    assert requests.get(petrel.base + "/ready", timeout=5).status_code == 200
