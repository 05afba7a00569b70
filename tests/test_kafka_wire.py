"""The embedded Kafka broker against real clients: kcat (librdkafka),
confluent-kafka, kafka-python and aiokafka, plus raw bad input."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import struct
import subprocess
import time

import pytest

from kafka_harness import closed_by_peer, create_topic, read_frame, request_frame, start_kafka_petrel, unique

from confluent_kafka import Consumer, Producer, TopicPartition  # noqa: E402
from confluent_kafka.admin import AdminClient  # noqa: E402
import kafka  # noqa: E402  (kafka-python)
import aiokafka  # noqa: E402

pytestmark = pytest.mark.timeout(300)

N_MESSAGES = 10_000
PARTITIONS = 3


@pytest.fixture(scope="module")
def broker(petrel_factory):
    return start_kafka_petrel(petrel_factory, fsync="interval")


def kcat(*args: str, stdin: bytes | None = None, timeout: float = 30) -> bytes:
    proc = subprocess.run(["kcat", *args], input=stdin, capture_output=True, timeout=timeout)
    assert proc.returncode == 0, f"kcat {args} failed: {proc.stderr.decode(errors='replace')}"
    return proc.stdout


def produce_keyed(bootstrap: str, topic: str, n: int, extra: dict | None = None) -> dict[int, list[tuple]]:
    """Produces n keyed messages with headers; returns what each partition must hold, in order."""
    delivered: dict[int, list[tuple]] = {}
    errors: list = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
        else:
            # Delivery reports carry no headers: rebuild the ones sent from the value's index.
            i = int(msg.value().split(b"-")[1])
            delivered.setdefault(msg.partition(), []).append(
                (msg.offset(), msg.key(), msg.value(), (("h1", f"{i}".encode()), ("h2", b"\x00\xff"))))

    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, **(extra or {})})
    for i in range(n):
        producer.produce(topic, key=f"key-{i % 97}".encode(), value=f"value-{i}-{'x' * (i % 50)}".encode(),
                         headers=[("h1", f"{i}".encode()), ("h2", b"\x00\xff")], on_delivery=on_delivery)
        if i % 1000 == 0:
            producer.poll(0)
    remaining = producer.flush(60)
    assert remaining == 0, f"{remaining} messages not delivered"
    assert not errors, errors[:3]
    for records in delivered.values():
        records.sort()
    return delivered


def consume_confluent(bootstrap: str, topic: str, partitions: int, counts: dict[int, int]) -> dict[int, list[tuple]]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("g"), "enable.auto.commit": False,
                         "auto.offset.reset": "earliest"})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    got: dict[int, list[tuple]] = {p: [] for p in range(partitions)}
    deadline = time.monotonic() + 60
    while any(len(got[p]) < counts.get(p, 0) for p in range(partitions)) and time.monotonic() < deadline:
        for msg in consumer.consume(num_messages=1000, timeout=1.0):
            assert msg.error() is None, msg.error()
            got[msg.partition()].append((msg.offset(), msg.key(), msg.value(), tuple(msg.headers() or [])))
    consumer.close()
    return got


def test_kcat_lists_the_broker_and_topics(broker):
    topic = unique("kcat-meta")
    create_topic(broker.bootstrap, topic, partitions=2)
    out = kcat("-b", broker.bootstrap, "-L", "-J").decode()
    import json
    meta = json.loads(out)
    assert meta["brokers"][0]["id"] == 1
    assert meta["brokers"][0]["name"] == broker.bootstrap
    topics = {t["topic"]: t for t in meta["topics"]}
    assert len(topics[topic]["partitions"]) == 2
    assert topics[topic]["partitions"][0]["leader"] == 1


def test_kcat_round_trip_with_keys_and_headers(broker):
    topic = unique("kcat-rt")
    lines = b"".join(f"k{i}:v{i}\n".encode() for i in range(100))
    kcat("-b", broker.bootstrap, "-P", "-t", topic, "-K:", "-H", "source=kcat", "-H", "n=1", stdin=lines)
    out = kcat("-b", broker.bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k|%s|%h\n")
    got = out.decode().splitlines()
    assert got == [f"k{i}|v{i}|source=kcat,n=1" for i in range(100)]


def test_confluent_kafka_keyed_messages_read_back_in_order(broker):
    topic = unique("ck")
    create_topic(broker.bootstrap, topic)
    expected = produce_keyed(broker.bootstrap, topic, N_MESSAGES)
    assert sum(len(v) for v in expected.values()) == N_MESSAGES
    got = consume_confluent(broker.bootstrap, topic, PARTITIONS, {p: len(v) for p, v in expected.items()})
    for p in range(PARTITIONS):
        assert got[p] == expected.get(p, []), f"partition {p} differs"


def test_kafka_python_and_aiokafka_read_what_librdkafka_wrote(broker):
    topic = unique("multi")
    create_topic(broker.bootstrap, topic)
    expected = produce_keyed(broker.bootstrap, topic, N_MESSAGES)

    consumer = kafka.KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=None, enable_auto_commit=False,
                                   auto_offset_reset="earliest", consumer_timeout_ms=5000)
    consumer.assign([kafka.TopicPartition(topic, p) for p in range(PARTITIONS)])
    consumer.seek_to_beginning()
    got: dict[int, list[tuple]] = {p: [] for p in range(PARTITIONS)}
    deadline = time.monotonic() + 60
    while sum(len(v) for v in got.values()) < N_MESSAGES and time.monotonic() < deadline:
        for tp, msgs in consumer.poll(timeout_ms=1000, max_records=5000).items():
            for m in msgs:
                got[tp.partition].append((m.offset, m.key, m.value, tuple(m.headers)))
    consumer.close()
    for p in range(PARTITIONS):
        assert got[p] == expected.get(p, []), f"kafka-python: partition {p} differs"

    async def read_aiokafka():
        c = aiokafka.AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=None, enable_auto_commit=False,
                                      auto_offset_reset="earliest")
        await c.start()
        try:
            c.assign([aiokafka.TopicPartition(topic, p) for p in range(PARTITIONS)])
            await c.seek_to_beginning()
            out: dict[int, list[tuple]] = {p: [] for p in range(PARTITIONS)}
            end = time.monotonic() + 60
            while sum(len(v) for v in out.values()) < N_MESSAGES and time.monotonic() < end:
                batches = await c.getmany(timeout_ms=1000, max_records=5000)
                for tp, msgs in batches.items():
                    for m in msgs:
                        out[tp.partition].append((m.offset, m.key, m.value, tuple(m.headers)))
            return out
        finally:
            await c.stop()

    got2 = asyncio.run(read_aiokafka())
    for p in range(PARTITIONS):
        assert got2[p] == expected.get(p, []), f"aiokafka: partition {p} differs"


def test_kafka_python_and_aiokafka_produce(broker):
    topic = unique("pyprod")
    create_topic(broker.bootstrap, topic, partitions=1)
    producer = kafka.KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    for i in range(500):
        producer.send(topic, key=b"k", value=f"kp{i}".encode(), headers=[("who", b"kafka-python")], partition=0)
    producer.flush(30)
    producer.close()

    async def send_aiokafka():
        p = aiokafka.AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        await p.start()
        try:
            for i in range(500):
                await p.send(topic, key=b"k", value=f"ap{i}".encode(), headers=[("who", b"aiokafka")], partition=0)
            await p.flush()
        finally:
            await p.stop()

    asyncio.run(send_aiokafka())
    got = consume_confluent(broker.bootstrap, topic, 1, {0: 1000})[0]
    assert [m[2] for m in got] == [f"kp{i}".encode() for i in range(500)] + [f"ap{i}".encode() for i in range(500)]
    assert got[0][3] == (("who", b"kafka-python"),)
    assert got[-1][3] == (("who", b"aiokafka"),)


def test_a_900_kib_message_round_trips(broker):
    topic = unique("big")
    payload = os.urandom(900 * 1024)
    producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all"})
    producer.produce(topic, value=payload, key=b"big")
    assert producer.flush(30) == 0
    got = consume_confluent(broker.bootstrap, topic, 1, {0: 1})[0]
    assert len(got) == 1 and got[0][2] == payload


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_each_compression_codec_round_trips(broker, codec):
    topic = unique(f"codec-{codec}")
    create_topic(broker.bootstrap, topic, partitions=1)
    expected = produce_keyed(broker.bootstrap, topic, 2000, {"compression.codec": codec, "linger.ms": 20})
    got = consume_confluent(broker.bootstrap, topic, 1, {0: 2000})
    assert got[0] == expected[0]


def test_acknowledged_messages_survive_a_kill(petrel_factory):
    server = start_kafka_petrel(petrel_factory, fsync="interval")
    topic = unique("crash")
    create_topic(server.bootstrap, topic)
    expected = produce_keyed(server.bootstrap, topic, 3000)
    server.kill9()
    server.start()
    from kafka_harness import wait_for_port
    wait_for_port(server.kafka_port)
    got = consume_confluent(server.bootstrap, topic, PARTITIONS, {p: len(v) for p, v in expected.items()})
    for p in range(PARTITIONS):
        assert got[p] == expected.get(p, []), f"partition {p} lost acknowledged messages"


def _api_versions_ok(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request_frame(18, 0, 77))
        frame = read_frame(s)
        return frame is not None and struct.unpack(">ih", frame[:6]) == (77, 0)


def test_api_versions_v4_is_answered_in_the_v3_layout(broker):
    """Kafka 4 clients (the Java client 4.x, kafka-python 3.x) open with v4,
    which has v3's fields: answered at once, with no retry round trip."""
    with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=5) as s:
        s.sendall(request_frame(18, 4, 6, b"\x05test\x021\x00", flexible=True))
        frame = read_frame(s)
    assert frame is not None
    correlation, error = struct.unpack(">ih", frame[:6])
    assert (correlation, error) == (6, 0)
    count = frame[6] - 1  # compact array: unsigned varint count + 1 (one byte here)
    ranges = {}
    for i in range(count):
        key, low, high = struct.unpack(">hhh", frame[7 + 7 * i:13 + 7 * i])
        assert frame[13 + 7 * i] == 0, "each entry ends with an empty tagged-field section"
        ranges[key] = (low, high)
    assert ranges[18] == (0, 4)
    assert {0, 1, 2, 3, 19}.issubset(ranges)


def test_api_versions_v5_gets_error_35_in_v0_format(broker):
    with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=5) as s:
        s.sendall(request_frame(18, 5, 5, b"\x00\x00\x00", flexible=True))
        frame = read_frame(s)
    assert frame is not None
    correlation, error, count = struct.unpack(">ihi", frame[:10])
    assert (correlation, error) == (5, 35)
    keys = {struct.unpack(">hhh", frame[10 + 6 * i:16 + 6 * i])[0] for i in range(count)}
    assert {0, 1, 2, 3, 18, 19}.issubset(keys)


def test_bad_input_closes_only_that_connection(broker):
    port = broker.kafka_port
    cases = [
        struct.pack(">i", -5) + b"abcd",                       # negative size
        struct.pack(">i", 2_000_000_000),                     # huge size prefix
        request_frame(999, 0, 1),                             # unknown API key
        request_frame(3, 99, 1),                              # unsupported Metadata version
        request_frame(0, 9, 1, b"\x01\x02", flexible=True),   # truncated Produce body
        struct.pack(">i", 3) + b"\x00\x01\x02",               # frame shorter than a header
    ]
    for payload in cases:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(payload)
            assert closed_by_peer(s), f"connection not closed after {payload[:16]!r}"
        assert _api_versions_ok(port)
    rng = random.Random(7)
    for _ in range(50):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))))
            s.shutdown(socket.SHUT_WR)
            s.settimeout(5)
            try:
                while s.recv(4096):
                    pass
            except (ConnectionResetError, socket.timeout):
                pass
    # A truncated frame followed by a close, then a healthy client.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(struct.pack(">i", 100) + b"\x00\x03")
    assert _api_versions_ok(port)


def test_pipelined_requests_are_answered_in_order(broker):
    with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=5) as s:
        s.sendall(b"".join(request_frame(18, 0, c) for c in range(1, 51)))
        correlations = [struct.unpack(">i", read_frame(s)[:4])[0] for _ in range(50)]
    assert correlations == list(range(1, 51))


def test_idempotent_producer_gets_a_producer_id_and_delivers(broker):
    topic = unique("idem")
    create_topic(broker.bootstrap, topic)
    expected = produce_keyed(broker.bootstrap, topic, 2000, {"enable.idempotence": True})
    got = consume_confluent(broker.bootstrap, topic, PARTITIONS, {p: len(v) for p, v in expected.items()})
    for p in range(PARTITIONS):
        assert got[p] == expected.get(p, [])


def test_admin_describe_and_delete_topics(broker):
    from confluent_kafka.admin import ConfigResource
    topic = unique("admin")
    create_topic(broker.bootstrap, topic, partitions=2, config={"retention.ms": "3600000"})
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    configs = admin.describe_configs([resource])[resource].result(timeout=10)
    assert configs["retention.ms"].value == "3600000"
    assert configs["cleanup.policy"].value == "delete"
    with pytest.raises(Exception):
        create_topic(broker.bootstrap, topic)  # already exists
    admin.delete_topics([topic], operation_timeout=10)[topic].result(timeout=10)
    meta = admin.list_topics(timeout=10)
    assert topic not in meta.topics


def test_metrics_count_kafka_requests_and_messages(broker):
    import requests
    topic = unique("metered")
    kcat("-b", broker.bootstrap, "-P", "-t", topic, stdin=b"one\ntwo\n")
    text = requests.get(f"{broker.base}/metrics", timeout=5).text
    assert 'petrel_kafka_requests_total{api="Produce"' in text
    assert f'petrel_kafka_messages_in_total{{topic="{topic}",partition="0"}} 2' in text
    assert "petrel_kafka_bad_frames_total" in text or "petrel_kafka_connections" in text


def test_kafka_addr_off_disables_the_listener(petrel_factory):
    from harness import free_port
    port = free_port()
    server = petrel_factory.start(extra_args=["--kafka-addr", "off"])
    import requests
    assert requests.get(f"{server.base}/ready", timeout=5).status_code == 200
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    log = server.log_path.read_text(errors="replace")
    assert "kafka listening" not in log.split("==== start")[-1]


def test_random_bodies_for_every_api_and_version_never_take_the_broker_down(broker):
    """Valid headers with random bodies, for each supported API and version:
    each is answered or its connection closed, and the broker keeps serving."""
    rng = random.Random(11)
    ranges = {0: (3, 9), 1: (4, 12), 2: (1, 7), 3: (0, 12), 8: (0, 8), 9: (0, 8), 10: (0, 4), 11: (0, 7), 12: (0, 4),
              13: (0, 4), 14: (0, 5), 15: (0, 5), 16: (0, 4), 18: (0, 3), 19: (2, 7), 20: (1, 6), 22: (0, 4),
              32: (1, 4), 33: (0, 2), 37: (0, 3), 42: (0, 2)}
    first_flexible = {0: 9, 1: 12, 2: 6, 3: 9, 8: 8, 9: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4, 15: 5, 16: 3, 18: 3,
                      19: 5, 20: 4, 22: 2, 32: 4, 33: 2, 37: 2, 42: 2}
    for key, (low, high) in ranges.items():
        for version in range(low, high + 1):
            for _ in range(3):
                body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))
                with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=5) as s:
                    s.sendall(request_frame(key, version, 1, body, flexible=version >= first_flexible[key]))
                    s.settimeout(2)
                    try:
                        s.recv(65536)
                    except (socket.timeout, ConnectionResetError):
                        pass
    assert _api_versions_ok(broker.kafka_port)
    assert broker.proc.poll() is None


def test_a_taken_kafka_port_stops_start_up_with_what_to_do(tmp_path):
    """A Kafka port already in use is a start-up error naming the flag, as a taken
    HTTP port is, never a Petrel that runs without its broker."""
    from harness import free_port
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    taken = holder.getsockname()[1]
    try:
        proc = subprocess.run(
            [os.environ["PETREL_BIN"], "serve", "--data-dir", str(tmp_path / "data"),
             "--http-addr", f"127.0.0.1:{free_port()}", "--kafka-addr", f"127.0.0.1:{taken}"],
            capture_output=True, timeout=60)
    finally:
        holder.close()
    assert proc.returncode != 0
    err = proc.stderr.decode(errors="replace")
    assert f"127.0.0.1:{taken}" in err and "--kafka-addr" in err, err[-2000:]
