"""The `file` source end to end: a real `petrel serve` tails files through
scripted rotations (rename with the old file still growing, copytruncate,
delete and recreate) and a `kill -9` with a restart, and every line is read
back from the topic over the Kafka protocol: all there, in order per file
generation, repeated only within the documented bound (one batch)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import requests
from kafka import KafkaConsumer, TopicPartition

from harness import wait_until
from kafka_harness import start_kafka_petrel

BATCH_MAX_BYTES = 65536
MAX_LINE_BYTES = 1024
LINE_RE = re.compile(r"^g=(\d+) n=(\d+) ")


def write_config(work: Path, body: str) -> Path:
    path = work / "petrel.yaml"
    path.write_text(body)
    return path


def topic_end(server, topic: str) -> int:
    r = requests.get(f"{server.base}/api/v1/broker/topics/{topic}", timeout=5)
    if r.status_code != 200:
        return 0
    return sum(p["endOffset"] for p in r.json()["partitions"])


def consume_all(server, topic: str, expected: int, timeout: float = 60.0) -> list[dict]:
    """Every record of `topic` (all partitions, from the start), once the topic holds `expected`."""
    import json
    wait_until(lambda: topic_end(server, topic) >= expected, timeout=timeout, what=f"{expected} records in {topic}")
    consumer = KafkaConsumer(bootstrap_servers=server.bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=3000)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        out: list[dict] = []
        deadline = time.monotonic() + timeout
        total = topic_end(server, topic)
        while len(out) < total and time.monotonic() < deadline:
            for _, records in consumer.poll(timeout_ms=500).items():
                out.extend(json.loads(r.value) for r in records)
        return out
    finally:
        consumer.close()


class Writer:
    """Appends numbered lines `g=<generation> n=<seq> ...` to one log file."""

    def __init__(self, path: Path):
        self.path = path
        self.generation = 0
        self.seq = 0
        self.written: list[tuple[int, int]] = []

    def lines(self, count: int, path: Path | None = None) -> None:
        with open(path or self.path, "a") as f:
            for _ in range(count):
                self.seq += 1
                f.write(f"g={self.generation} n={self.seq} " + "x" * 80 + "\n")
                self.written.append((self.generation, self.seq))

    def next_generation(self) -> None:
        self.generation += 1


def check_delivery(events: list[dict], written: list[tuple[int, int]], bound: int) -> None:
    seen: dict[tuple[int, int], int] = {}
    firsts: dict[int, list[int]] = {}
    for event in events:
        assert event["source_type"] == "file"
        m = LINE_RE.match(event["message"])
        assert m, event["message"]
        key = (int(m.group(1)), int(m.group(2)))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 1:
            firsts.setdefault(key[0], []).append(key[1])
    missing = [k for k in written if k not in seen]
    assert not missing, f"{len(missing)} lines never arrived, first {missing[:5]}"
    assert set(seen) == set(written), "lines arrived that were never written"
    for generation, order in firsts.items():
        assert order == sorted(order), f"generation {generation} arrived out of order"
    duplicates = sum(c - 1 for c in seen.values())
    assert duplicates <= bound, f"{duplicates} duplicate lines, more than one batch ({bound})"


def test_rotations_and_kill9_deliver_every_line_in_order(petrel_factory, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    app = logs / "app.log"
    config = write_config(tmp_path, f"""
sources:
  logs:
    type: file
    include: ["{logs}/app.log*"]
    glob_interval: 100ms
    rotate_wait: 500ms
    batch_max_bytes: {BATCH_MAX_BYTES}
    max_line_bytes: {MAX_LINE_BYTES}
""")
    writer = Writer(app)
    writer.lines(500)
    server = start_kafka_petrel(petrel_factory, extra_args=["--config", str(config)])
    wait_until(lambda: topic_end(server, "logs") >= 500, timeout=30, what="the first lines")

    # Rename rotation; the old file keeps growing for a while (the writer's open handle).
    writer.lines(200)
    os.rename(app, logs / "app.log.1")
    writer.lines(100, path=logs / "app.log.1")
    writer.next_generation()
    writer.lines(300)
    time.sleep(0.3)

    # copytruncate: the copy holds what was not read yet; the original starts again.
    writer.next_generation()
    writer.lines(200)
    shutil.copyfile(app, logs / "app.log.2")
    with open(app, "r+") as f:
        f.truncate(0)
    writer.next_generation()
    writer.lines(300)

    # delete and recreate (once the file is read: a deleted file's unread lines are gone).
    wait_until(lambda: topic_end(server, "logs") >= len(writer.written), timeout=30, what="lines before delete")
    os.remove(app)
    writer.next_generation()
    writer.lines(300)

    # kill -9 while lines flow, rotate while it is down, restart.
    before = len(writer.written)
    writer.lines(20000)
    wait_until(lambda: topic_end(server, "logs") > before, timeout=30, what="the source reading the new file")
    server.kill9()
    writer.lines(100)
    os.rename(app, logs / "app.log.1")
    writer.next_generation()
    writer.lines(400)
    server.restart()

    events = consume_all(server, "logs", len(writer.written))
    # One batch holds the lines of at most BATCH_MAX_BYTES + MAX_LINE_BYTES file bytes.
    line_bytes = min(len(e["message"]) for e in events) + 1
    check_delivery(events, writer.written, bound=(BATCH_MAX_BYTES + MAX_LINE_BYTES + 1) // line_bytes + 1)
    assert all(e["host"] and e["file"].startswith(str(logs)) for e in events)


def test_spool_directory_files_are_read_once_then_renamed(petrel_factory, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    config = write_config(tmp_path, f"""
sources:
  spooled:
    type: file
    mode: spool
    spool_dir: "{spool}"
    glob_interval: 100ms
""")
    (spool / "a.txt").write_text("".join(f"a {i}\n" for i in range(100)))
    (spool / "b.txt").write_text("".join(f"b {i}\n" for i in range(50)) + "b last without newline")
    server = start_kafka_petrel(petrel_factory, extra_args=["--config", str(config)])
    wait_until(lambda: sorted(p.name for p in spool.iterdir()) == ["a.txt.COMPLETED", "b.txt.COMPLETED"],
               timeout=30, what="spooled files renamed")
    events = consume_all(server, "spooled", 151)
    messages = [e["message"] for e in events]
    assert len(messages) == 151
    assert messages[-1] == "b last without newline" or "b last without newline" in messages
    assert [m for m in messages if m.startswith("a ")] == [f"a {i}" for i in range(100)]


def test_bad_config_is_refused_with_the_key(tmp_path):
    import subprocess
    from harness import petrel_binary
    config = write_config(tmp_path, """
sources:
  logs:
    type: file
    include: ["relative/*.log"]
""")
    data = tmp_path / "data"
    result = subprocess.run([str(petrel_binary()), "serve", "--config", str(config), "--data-dir", str(data),
                             "--http-addr", "127.0.0.1:0", "--kafka-addr", "off"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "sources.logs.include[0]" in result.stdout + result.stderr
