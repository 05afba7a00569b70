"""A full disk: ingest is refused with 503 (HTTP) and KAFKA_STORAGE_ERROR
(Kafka), counted in /metrics, the process stays up, everything acknowledged
before is kept, and writes succeed again as soon as space is free.

Petrel's data dir sits on a small tmpfs that the test mounts (the suite runs as
root, as CI does) and fills with a filler file."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from confluent_kafka import Producer

from harness import PetrelServer, free_port
from kafka_harness import create_topic, wait_for_port
from promapi import query

pytestmark = pytest.mark.timeout(180)

SERIES = 200


@pytest.fixture
def small_disk(tmp_path) -> Path:
    mount = tmp_path / "disk"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)],
                          capture_output=True, timeout=30)
    assert proc.returncode == 0, f"cannot mount a tmpfs for the full-disk test (needs root): {proc.stderr.decode()}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def fill(mount: Path, leave_kib: int) -> Path:
    """Fills the file system up to `leave_kib` KiB of free space with a filler file."""
    st = os.statvfs(mount)
    free_kib = st.f_bavail * st.f_frsize // 1024
    filler = mount / "filler"
    with open(filler, "wb") as f:
        chunk = b"\0" * (1 << 20)
        left = (free_kib - leave_kib) * 1024
        while left > 0:
            left -= f.write(chunk[:min(len(chunk), left)])
    return filler


def write(base: str, step: int) -> requests.Response:
    now = time.time_ns()
    body = "\n".join(f"fulldisk,host=h{j} v={step} {now + j}" for j in range(SERIES))
    return requests.post(f"{base}/write", params={"db": "fd"}, data=body.encode(), timeout=15)


def rejected_for_storage(base: str) -> float:
    for line in requests.get(f"{base}/metrics", timeout=10).text.splitlines():
        if line.startswith('petrel_ingest_requests_rejected_total{reason="storage"}'):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_full_disk_refuses_ingest_keeps_what_was_acknowledged_and_recovers(small_disk):
    kafka_port = free_port()
    server = PetrelServer(small_disk, fsync="interval", extra_args=["--kafka-addr", f"127.0.0.1:{kafka_port}"])
    server.start_with_retry()
    try:
        wait_for_port(kafka_port)
        assert write(server.base, 0).status_code == 204
        topic = f"fd-{uuid.uuid4().hex[:6]}"
        create_topic(f"127.0.0.1:{kafka_port}", topic, partitions=1)
        filler = fill(small_disk, leave_kib=512)

        # HTTP: write until the log refuses; every answer is 204 or 503, never a crash.
        acknowledged, refused, step = 1, None, 1
        deadline = time.monotonic() + 60
        while refused is None and time.monotonic() < deadline:
            r = write(server.base, step)
            step += 1
            if r.status_code == 204:
                acknowledged += 1
            else:
                refused = r
        assert refused is not None, "the disk never filled up"
        assert refused.status_code == 503, refused.text
        assert "No space left on device" in refused.json()["error"], refused.text
        assert rejected_for_storage(server.base) >= 1

        # Kafka: a produce with acks=all gets KAFKA_STORAGE_ERROR, not a success and not a hang.
        errors: list = []
        delivered: list = []
        producer = Producer({"bootstrap.servers": f"127.0.0.1:{kafka_port}", "acks": "all", "retries": 0,
                             "message.timeout.ms": 15000})
        for _ in range(50):
            producer.produce(topic, value=b"x" * 4096,
                             on_delivery=lambda err, msg: (errors if err else delivered).append(err or msg))
        assert producer.flush(30) == 0
        assert not delivered, "a produce was acknowledged on a full disk"
        assert errors and all(e.name() == "KAFKA_STORAGE_ERROR" for e in errors), {str(e) for e in errors}
        assert server.proc.poll() is None, "Petrel died on a full disk"

        # Space comes back: writes succeed again with no restart.
        filler.unlink()
        deadline = time.monotonic() + 30
        while write(server.base, step).status_code != 204:
            assert time.monotonic() < deadline, "writes still refused 30 s after space was freed"
            time.sleep(0.5)
        acknowledged += 1

        # Every acknowledged write is stored: SERIES points per write, no more, no less.
        deadline = time.monotonic() + 30
        while True:
            result = query(server.base, "sum(count_over_time(fulldisk_v[1h]))")["result"]
            stored = int(float(result[0]["value"][1])) if result else 0
            if stored >= acknowledged * SERIES or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert stored == acknowledged * SERIES, f"{stored} points stored for {acknowledged} acknowledged writes"
    finally:
        server.stop()
