"""The broker's partition/config admin and simple consumer-group use by
real clients (the group conformance suite is test_kafka_groups*.py)."""

from __future__ import annotations

import asyncio
import time

import pytest

import aiokafka
import kafka
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

from kafka_harness import start_kafka_petrel, unique

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def broker(petrel_factory):
    return start_kafka_petrel(petrel_factory, fsync="interval")


def produce(bootstrap: str, topic: str, n: int, partitions: int) -> None:
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
    for i in range(n):
        p.produce(topic, value=f"m{i}".encode(), partition=i % partitions)
    assert p.flush(30) == 0


def test_create_partitions_and_alter_configs(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    topic = unique("grow")
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(15)
    admin.create_partitions([NewPartitions(topic, 4)])[topic].result(15)
    assert len(admin.list_topics(topic, timeout=10).topics[topic].partitions) == 4
    with pytest.raises(Exception):
        admin.create_partitions([NewPartitions(topic, 2)])[topic].result(15)

    resource = ConfigResource(ConfigResource.Type.TOPIC, topic, set_config={"retention.ms": "120000"})
    admin.alter_configs([resource])[resource].result(15)
    described = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic)])
    configs = list(described.values())[0].result(15)
    assert configs["retention.ms"].value == "120000"


def test_confluent_group_consumers_share_partitions_and_commit(broker):
    topic = unique("grp")
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)])[topic].result(15)
    produce(broker.bootstrap, topic, 400, 4)
    group = unique("g")
    conf = {"bootstrap.servers": broker.bootstrap, "group.id": group, "auto.offset.reset": "earliest",
            "enable.auto.commit": False, "session.timeout.ms": 10000, "heartbeat.interval.ms": 500}
    consumers = [Consumer(conf), Consumer(conf)]
    for c in consumers:
        c.subscribe([topic])
    seen: dict[int, set[bytes]] = {0: set(), 1: set()}
    deadline = time.monotonic() + 60
    while sum(len(s) for s in seen.values()) < 400 and time.monotonic() < deadline:
        for i, c in enumerate(consumers):
            for msg in c.consume(num_messages=200, timeout=0.5):
                assert msg.error() is None, msg.error()
                seen[i].add(msg.value())
    assert sum(len(s) for s in seen.values()) == 400
    assert not (seen[0] & seen[1]), "a message went to both members"
    for c in consumers:
        c.commit(asynchronous=False)
        c.close()
    # A new member of the same group starts from the committed offsets: nothing left.
    late = Consumer(conf)
    late.subscribe([topic])
    leftovers = []
    end = time.monotonic() + 8
    while time.monotonic() < end:
        leftovers += [m for m in late.consume(num_messages=100, timeout=0.5) if m.error() is None]
    late.close()
    assert leftovers == []


def test_kafka_python_and_aiokafka_group_consumers(broker):
    topic = unique("pygrp")
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])[topic].result(15)
    produce(broker.bootstrap, topic, 100, 2)

    consumer = kafka.KafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=unique("kp"),
                                   auto_offset_reset="earliest", consumer_timeout_ms=15000)
    got = set()
    for m in consumer:
        got.add(m.value)
        if len(got) == 100:
            break
    consumer.commit()
    consumer.close()
    assert len(got) == 100

    async def read():
        c = aiokafka.AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=unique("ak"),
                                      auto_offset_reset="earliest")
        await c.start()
        out = set()
        try:
            end = time.monotonic() + 30
            while len(out) < 100 and time.monotonic() < end:
                for msgs in (await c.getmany(timeout_ms=1000)).values():
                    out.update(m.value for m in msgs)
            await c.commit()
        finally:
            await c.stop()
        return out

    assert len(asyncio.run(read())) == 100


def test_compressed_line_protocol_from_kafka_reaches_the_tsdb(broker):
    """Telegraf-style records (line protocol, no headers) written by a Kafka
    producer with each codec are decoded by Petrel's own TSDB consumer."""
    import requests
    from harness import wait_until

    now_ns = time.time_ns()
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
        p = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "compression.codec": codec, "linger.ms": 10})
        for i in range(20):
            p.produce("metrics", value=f"kafka_codec,codec={codec},i={i} value={i} {now_ns}".encode())
        assert p.flush(30) == 0

    def series_count():
        r = requests.get(f"{broker.base}/api/v1/query",
                         params={"query": "count by (codec) (kafka_codec_value)", "time": now_ns / 1e9}, timeout=5)
        result = r.json()["data"]["result"]
        return {s["metric"]["codec"]: int(s["value"][1]) for s in result}

    counts = wait_until(lambda: (lambda c: c if len(c) == 5 else None)(series_count()), timeout=30,
                        what="every codec's samples queryable")
    assert counts == {codec: 20 for codec in ["none", "gzip", "snappy", "lz4", "zstd"]}
