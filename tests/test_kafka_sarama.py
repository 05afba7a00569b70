"""The embedded broker against sarama, the Go Kafka client that Telegraf's
Kafka output and consumer plugins are built on (Debian's
golang-github-shopify-sarama-dev, 1.22). `tests/peers/sarama_client.go` is
built once per run; it produces with every codec and the idempotent producer,
consumes in a consumer group and commits, and creates topics with the admin
client. What sarama writes is read back with confluent-kafka and the other way
round, key for key, header for header, in per-partition order."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from confluent_kafka import Consumer, TopicPartition

from kafka_harness import create_topic, start_kafka_petrel, unique
from test_kafka_wire import produce_keyed

pytestmark = pytest.mark.timeout(300)

SOURCE = Path(__file__).parent / "peers" / "sarama_client.go"
PARTITIONS = 3


@pytest.fixture(scope="module")
def sarama(tmp_path_factory) -> str:
    go = shutil.which("go")
    assert go, "the Go toolchain (Debian's golang-go) is not installed: run scripts/install-test-deps.sh"
    assert Path("/usr/share/gocode/src/github.com/Shopify/sarama").is_dir(), \
        "sarama (Debian's golang-github-shopify-sarama-dev) is not installed: run scripts/install-test-deps.sh"
    out = tmp_path_factory.mktemp("sarama")
    binary = out / "sarama_client"
    env = {**os.environ, "GOPATH": "/usr/share/gocode", "GO111MODULE": "off", "GOFLAGS": "",
           "GOCACHE": str(out / "cache"), "CGO_ENABLED": "1"}
    proc = subprocess.run([go, "build", "-o", str(binary), str(SOURCE)], env=env, capture_output=True, timeout=240)
    assert proc.returncode == 0, f"building the sarama client failed: {proc.stderr.decode(errors='replace')[-2000:]}"
    return str(binary)


@pytest.fixture(scope="module")
def broker(petrel_factory):
    return start_kafka_petrel(petrel_factory, fsync="interval")


def run(binary: str, *args: str, timeout: float = 120) -> list[dict]:
    proc = subprocess.run([binary, *args], capture_output=True, timeout=timeout)
    assert proc.returncode == 0, f"sarama_client {args}: {proc.stderr.decode(errors='replace')[-2000:]}"
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]


def read_all(bootstrap: str, topic: str, counts: dict[int, int]) -> dict[int, list[tuple]]:
    """Everything in the topic's partitions through confluent-kafka, with timestamps."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("check"), "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(PARTITIONS)])
    got: dict[int, list[tuple]] = {p: [] for p in range(PARTITIONS)}
    deadline = time.monotonic() + 60
    while any(len(got[p]) < counts.get(p, 0) for p in range(PARTITIONS)) and time.monotonic() < deadline:
        for msg in consumer.consume(num_messages=1000, timeout=1.0):
            assert msg.error() is None, msg.error()
            got[msg.partition()].append((msg.offset(), msg.key().decode(), msg.value().decode(),
                                         {k: v.decode() for k, v in msg.headers() or []}, msg.timestamp()[1]))
    consumer.close()
    return got


def by_partition(messages: list[dict]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    for m in messages:
        out.setdefault(m["partition"], []).append((m["offset"], m["key"], m["value"], m.get("headers") or {}))
    for records in out.values():
        records.sort()
    return out


def test_sarama_admin_creates_a_topic_with_its_partitions(broker, sarama):
    topic = unique("sarama-admin")
    assert run(sarama, "admin", broker.bootstrap, topic, "4") == [{"topic": topic, "error": 0, "partitions": 4}]


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_sarama_produces_and_confluent_reads_back_in_order(broker, sarama, codec):
    topic = unique(f"sarama-{codec}")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    before_ms = int(time.time() * 1000)
    sent = by_partition(run(sarama, "produce", broker.bootstrap, topic, "3000", codec, "false"))
    assert sum(len(v) for v in sent.values()) == 3000
    assert len(sent) == PARTITIONS, "the hash partitioner spreads 53 keys over every partition"
    got = read_all(broker.bootstrap, topic, {p: len(v) for p, v in sent.items()})
    for p in range(PARTITIONS):
        assert [r[:4] for r in got[p]] == sent.get(p, []), f"partition {p} differs"
        assert all(before_ms - 1000 <= r[4] <= int(time.time() * 1000) + 1000 for r in got[p]), "timestamps kept"


def test_sarama_batches_without_max_timestamp_are_not_taken_for_old_data(broker, sarama):
    """sarama 1.22 sends maxTimestamp -1 in every batch; Kafka recomputes the
    field. If Petrel trusted it, retention would delete the segments at once
    and lookups by time would miss them."""
    topic = unique("sarama-retention")
    create_topic(broker.bootstrap, topic, PARTITIONS, config={"segment.bytes": "16384", "retention.ms": "3600000"})
    start_ms = int(time.time() * 1000)
    sent = by_partition(run(sarama, "produce", broker.bootstrap, topic, "3000", "none", "false"))
    time.sleep(6)  # one retention pass (every 5 s) has run
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": unique("check")})
    try:
        for p, records in sent.items():
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            assert (low, high) == (0, records[-1][0] + 1), f"partition {p}: retention removed records"
        found = consumer.offsets_for_times([TopicPartition(topic, p, start_ms - 1000) for p in range(PARTITIONS)],
                                           timeout=10)
        assert [tp.offset for tp in found] == [0] * PARTITIONS, "lookup by time finds the first record"
    finally:
        consumer.close()


def test_sarama_idempotent_producer_delivers_each_message_once(broker, sarama):
    topic = unique("sarama-idem")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    sent = by_partition(run(sarama, "produce", broker.bootstrap, topic, "2000", "none", "true"))
    got = read_all(broker.bootstrap, topic, {p: len(v) for p, v in sent.items()})
    for p in range(PARTITIONS):
        assert [r[:4] for r in got[p]] == sent.get(p, []), f"partition {p} differs"
    assert sum(len(v) for v in got.values()) == 2000


def test_sarama_consumer_group_reads_what_librdkafka_wrote_and_commits(broker, sarama):
    topic = unique("sarama-group")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    expected = produce_keyed(broker.bootstrap, topic, 3000)
    group = unique("sarama-g")
    got = run(sarama, "consume", broker.bootstrap, topic, group, "3000")
    per_partition: dict[int, list[tuple]] = {}
    for m in got:
        per_partition.setdefault(m["partition"], []).append((m["offset"], m["key"].encode(), m["value"].encode()))
    for p in range(PARTITIONS):
        want = [(o, k, v) for o, k, v, _ in expected.get(p, [])]
        assert per_partition.get(p, []) == want, f"partition {p}: sarama's group consumer read something else"
    assert all(m["headers"]["h1"] == m["value"].split("-")[1] for m in got), "headers arrive with their records"
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group})
    try:
        committed = consumer.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=10)
        assert {tp.partition: tp.offset for tp in committed} == \
            {p: len(expected.get(p, [])) for p in range(PARTITIONS)}, "sarama committed the end of every partition"
    finally:
        consumer.close()
