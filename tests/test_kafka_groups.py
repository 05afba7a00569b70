"""Consumer groups and idempotent producers against real clients:
confluent-kafka (librdkafka), kafka-python and aiokafka.

Each scenario: two consumers of one group split a 3-partition topic and commit
what they read; one leaves; the other takes over its partitions and resumes
exactly from the committed offsets (nothing lost, nothing read twice).
"""

from __future__ import annotations

import asyncio
import struct
import threading
import time

import pytest
import requests

from kafka_harness import create_topic, read_frame, record_batch, request_frame, start_kafka_petrel, unique

from confluent_kafka import Consumer, Producer  # noqa: E402
import kafka  # noqa: E402  (kafka-python)
import aiokafka  # noqa: E402

pytestmark = pytest.mark.timeout(300)

PARTITIONS = 3
BATCH = 30


@pytest.fixture(scope="module")
def broker(petrel_factory):
    return start_kafka_petrel(petrel_factory, fsync="interval")


def produce(bootstrap: str, topic: str, values: list[str], extra: dict | None = None) -> None:
    """Produces one message per value, spread over every partition; all acknowledged."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, **(extra or {})})
    errors: list = []
    for i, value in enumerate(values):
        producer.produce(topic, value=value.encode(), partition=i % PARTITIONS,
                         on_delivery=lambda err, _msg: errors.append(err) if err else None)
    assert producer.flush(30) == 0, "messages still unacknowledged after 30 s"
    assert errors == []


def wait_for(predicate, timeout: float, what: str, step=None):
    """Calls `step` (e.g. a poll) and checks `predicate` until it holds or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if step is not None:
            step()
        if predicate():
            return
        if step is None:
            time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def group_detail(broker, group: str) -> dict:
    r = requests.get(f"{broker.base}/api/v1/broker/groups/{group}", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


# MARK: - confluent-kafka


def _confluent_consumer(bootstrap: str, group: str, topic: str, strategy: str) -> Consumer:
    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
        "enable.auto.commit": False, "partition.assignment.strategy": strategy,
        "session.timeout.ms": 10_000, "heartbeat.interval.ms": 500,
    })
    consumer.subscribe([topic])
    return consumer


def _confluent_group_scenario(broker, strategy: str) -> None:
    topic, group = unique("grp-topic"), unique("grp")
    create_topic(broker.bootstrap, topic)
    a = _confluent_consumer(broker.bootstrap, group, topic, strategy)
    b = _confluent_consumer(broker.bootstrap, group, topic, strategy)
    got: dict[str, list[tuple[int, int, str]]] = {"a": [], "b": []}

    def poll_both():
        for name, consumer in (("a", a), ("b", b)):
            msg = consumer.poll(0.1)
            if msg is not None and msg.error() is None:
                got[name].append((msg.partition(), msg.offset(), msg.value().decode()))

    def split():
        pa = {tp.partition for tp in a.assignment()}
        pb = {tp.partition for tp in b.assignment()}
        return pa and pb and not (pa & pb) and pa | pb == set(range(PARTITIONS))

    try:
        wait_for(split, 60, "both consumers to share the partitions", step=poll_both)
        owned = {"a": {tp.partition for tp in a.assignment()}, "b": {tp.partition for tp in b.assignment()}}
        first = [f"one-{i}" for i in range(BATCH)]
        produce(broker.bootstrap, topic, first)
        wait_for(lambda: len(got["a"]) + len(got["b"]) >= BATCH, 60, "the first batch", step=poll_both)
        for name in ("a", "b"):
            assert {p for p, _, _ in got[name]} <= owned[name], f"{name} read a partition it does not own"
        assert sorted(v for n in got for _, _, v in got[n]) == sorted(first)
        a.commit(asynchronous=False)
        b.commit(asynchronous=False)
        detail = group_detail(broker, group)
        assert detail["state"] == "Stable" and len(detail["members"]) == 2
        assert detail["totalLag"] == 0, detail
        assigned = sorted(p for m in detail["members"] for ps in (m["assignment"] or {}).values() for p in ps)
        assert assigned == list(range(PARTITIONS)), detail

        b.close()

        def poll_a():
            msg = a.poll(0.1)
            if msg is not None and msg.error() is None:
                got["a"].append((msg.partition(), msg.offset(), msg.value().decode()))

        # Everything read so far is committed, so the takeover must re-read nothing.
        wait_for(lambda: len(a.assignment()) == PARTITIONS, 60, "the remaining consumer to take over", step=poll_a)
        second = [f"two-{i}" for i in range(BATCH)]
        produce(broker.bootstrap, topic, second)
        wait_for(lambda: sum(v.startswith("two-") for _, _, v in got["a"]) >= BATCH, 60, "the second batch", step=poll_a)
        for _ in range(10):
            poll_a()
        read_after = [v for _, _, v in got["a"] if v.startswith("two-")]
        assert sorted(read_after) == sorted(second), "lost messages after the takeover"
        assert len(got["a"]) == len(set(got["a"])), "a message was read twice"
        assert sorted(v for n in ("a", "b") for _, _, v in got[n] if v.startswith("one-")) == sorted(first), \
            "the takeover re-read committed messages"
        a.commit(asynchronous=False)
    finally:
        a.close()


def test_confluent_kafka_group_splits_commits_and_takes_over(broker):
    _confluent_group_scenario(broker, "range")


def test_confluent_kafka_cooperative_sticky(broker):
    _confluent_group_scenario(broker, "cooperative-sticky")


# MARK: - kafka-python


def test_kafka_python_group_splits_commits_and_takes_over(broker):
    topic, group = unique("kp-topic"), unique("kp")
    create_topic(broker.bootstrap, topic)

    class Member(threading.Thread):
        """One kafka-python consumer polling in its own thread, as applications run it
        (a leader that polls rarely would trigger rebalance after rebalance)."""

        def __init__(self):
            super().__init__(daemon=True)
            self.consumer = kafka.KafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=group,
                                                auto_offset_reset="earliest", enable_auto_commit=False,
                                                session_timeout_ms=10_000, heartbeat_interval_ms=500)
            self.got: list[str] = []
            self.owned: set[int] = set()
            self.commit_now = threading.Event()
            self.committed = threading.Event()
            self.stop = threading.Event()

        def run(self):
            while not self.stop.is_set():
                for records in self.consumer.poll(timeout_ms=200).values():
                    self.got += [r.value.decode() for r in records]
                self.owned = {tp.partition for tp in self.consumer.assignment()}
                if self.commit_now.is_set() and not self.committed.is_set():
                    self.consumer.commit()
                    self.committed.set()
            self.consumer.close()

    a, b = Member(), Member()
    a.start()
    b.start()
    try:
        wait_for(lambda: a.owned and b.owned and not (a.owned & b.owned) and len(a.owned | b.owned) == PARTITIONS,
                 60, "a split")
        first = [f"one-{i}" for i in range(BATCH)]
        produce(broker.bootstrap, topic, first)
        wait_for(lambda: len(a.got) + len(b.got) >= BATCH, 60, "the first batch")
        assert sorted(a.got + b.got) == sorted(first)
        for m in (a, b):
            m.commit_now.set()
        wait_for(lambda: a.committed.is_set() and b.committed.is_set(), 30, "both commits")
        b.stop.set()
        b.join(30)
        wait_for(lambda: len(a.owned) == PARTITIONS, 60, "the takeover")
        second = [f"two-{i}" for i in range(BATCH)]
        produce(broker.bootstrap, topic, second)
        wait_for(lambda: sum(v.startswith("two-") for v in a.got) >= BATCH, 60, "the second batch")
        time.sleep(1)
        assert sorted(v for v in a.got if v.startswith("two-")) == sorted(second), "lost messages after the takeover"
        assert sorted(a.got + b.got) == sorted(first + second), "messages were read twice"
    finally:
        a.stop.set()
        b.stop.set()
        a.join(30)


# MARK: - aiokafka


def test_aiokafka_group_splits_commits_and_takes_over(broker):
    topic, group = unique("aio-topic"), unique("aio")
    create_topic(broker.bootstrap, topic)

    async def scenario():
        def consumer():
            return aiokafka.AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=group,
                                             auto_offset_reset="earliest", enable_auto_commit=False,
                                             session_timeout_ms=10_000, heartbeat_interval_ms=500)

        a, b = consumer(), consumer()
        await a.start()
        await b.start()
        got: dict[str, list[str]] = {"a": [], "b": []}

        async def poll(name, c):
            for records in (await c.getmany(timeout_ms=100)).values():
                got[name] += [r.value.decode() for r in records]

        async def until(predicate, what, names):
            deadline = time.monotonic() + 60
            while not predicate():
                assert time.monotonic() < deadline, f"timed out waiting for {what}"
                for name in names:
                    await poll(name, a if name == "a" else b)

        try:
            await until(lambda: a.assignment() and b.assignment()
                        and len(a.assignment() | b.assignment()) == PARTITIONS, "a split", ["a", "b"])
            first = [f"one-{i}" for i in range(BATCH)]
            await asyncio.to_thread(produce, broker.bootstrap, topic, first)
            await until(lambda: len(got["a"]) + len(got["b"]) >= BATCH, "the first batch", ["a", "b"])
            assert sorted(got["a"] + got["b"]) == sorted(first)
            await a.commit()
            await b.commit()
            await b.stop()
            got["a"].clear()
            await until(lambda: len(a.assignment()) == PARTITIONS, "the takeover", ["a"])
            second = [f"two-{i}" for i in range(BATCH)]
            await asyncio.to_thread(produce, broker.bootstrap, topic, second)
            await until(lambda: len(got["a"]) >= BATCH, "the second batch", ["a"])
            await poll("a", a)
            assert sorted(got["a"]) == sorted(second), "lost or re-read messages after the takeover"
        finally:
            await a.stop()

    asyncio.run(scenario())


# MARK: - idempotent producers


def _produce_v3(port: int, topic: str, partition: int, batch: bytes) -> tuple[int, int]:
    """Sends Produce v3 (acks=-1) over a raw socket; returns (error code, base offset)."""
    import socket
    body = struct.pack(">hhi", -1, -1, 10_000)  # transactional_id null, acks, timeout
    body += struct.pack(">i", 1) + struct.pack(">h", len(topic)) + topic.encode()
    body += struct.pack(">i", 1) + struct.pack(">ii", partition, len(batch)) + batch
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request_frame(0, 3, 7, body))
        frame = read_frame(sock, timeout=15)
    assert frame is not None, "the broker closed the connection"
    # correlation id, topics[1]: name, partitions[1]: index, error, base offset, ...
    pos = 4 + 4
    (name_len,) = struct.unpack_from(">h", frame, pos)
    pos += 2 + name_len + 4
    _index, error, base_offset = struct.unpack_from(">ihq", frame, pos)
    return error, base_offset


def _count_messages(bootstrap: str, topic: str, partition_count: int, expected: int) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("count"), "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = 0
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            msg = consumer.poll(0.2)
            if msg is not None and msg.error() is None:
                seen += 1
            elif seen >= expected and msg is None:
                # One more quiet poll after the expected count: nothing extra arrives.
                break
    finally:
        consumer.close()
    return seen


def test_a_retried_idempotent_batch_is_stored_once(broker):
    topic = unique("idem")
    create_topic(broker.bootstrap, topic, partitions=1)
    batch = record_batch([b"a", b"b", b"c"], producer_id=4242, epoch=0, sequence=0)
    first = _produce_v3(broker.kafka_port, topic, 0, batch)
    retry = _produce_v3(broker.kafka_port, topic, 0, batch)
    assert first == (0, 0)
    assert retry == (0, 0), "a retry must be answered with the original offsets"
    gap = _produce_v3(broker.kafka_port, topic, 0, record_batch([b"z"], producer_id=4242, epoch=0, sequence=9))
    assert gap[0] == 45, f"a sequence gap must be OUT_OF_ORDER_SEQUENCE_NUMBER, got {gap}"
    nxt = _produce_v3(broker.kafka_port, topic, 0, record_batch([b"d"], producer_id=4242, epoch=0, sequence=3))
    assert nxt == (0, 3)
    assert _count_messages(broker.bootstrap, topic, 1, 4) == 4


def test_confluent_idempotent_producer_delivers_each_message_once(broker):
    topic = unique("idem-rdk")
    create_topic(broker.bootstrap, topic)
    values = [f"m-{i}" for i in range(300)]
    produce(broker.bootstrap, topic, values, extra={"enable.idempotence": True, "acks": "all",
                                                   "max.in.flight.requests.per.connection": 5})
    assert _count_messages(broker.bootstrap, topic, PARTITIONS, len(values)) == len(values)
