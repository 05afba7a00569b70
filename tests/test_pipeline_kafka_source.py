"""The `kafka` source end to end against Petrel's own broker: 10,000 keyed
records with headers are produced to a topic with confluent-kafka, a
`kafka` source copies that topic into its own, and every record arrives
with its key, value, headers and timestamp; the source's consumer group
has committed the whole input."""

from __future__ import annotations

import time
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition

from harness import wait_until
from kafka_harness import create_topic, start_kafka_petrel, unique

RECORDS = 10_000


def read_all(bootstrap: str, topic: str, expect: int, timeout: float) -> list:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("reader"),
                         "enable.auto.commit": False})
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = list(metadata.topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < expect and time.monotonic() < deadline:
            for m in consumer.consume(num_messages=2000, timeout=0.5):
                if m.error() is None:
                    out.append(m)
        return out
    finally:
        consumer.close()


def test_kafka_source_copies_every_keyed_record_and_commits_after_writing(petrel_factory, tmp_path):
    source_topic = unique("input")
    group = unique("copier")
    config = tmp_path / "petrel.yaml"
    config.write_text(f"""
sources:
  copy:
    type: kafka
    topics: [{source_topic}]
    group_id: {group}
    auto_offset_reset: earliest
""")
    server = start_kafka_petrel(petrel_factory, extra_args=["--config", str(config)])
    create_topic(server.bootstrap, source_topic, partitions=3)
    producer = Producer({"bootstrap.servers": server.bootstrap, "linger.ms": 5})
    base_ts = 1_790_000_000_000
    for i in range(RECORDS):
        producer.produce(source_topic, key=f"key-{i}".encode(), value=f"value-{i}".encode(),
                         headers=[("h", f"{i}".encode())], timestamp=base_ts + i)
        if i % 1000 == 0:
            producer.poll(0)
    assert producer.flush(30) == 0

    copied = []

    def all_copied():
        copied[:] = read_all(server.bootstrap, "copy", RECORDS, timeout=3)
        return len(copied) >= RECORDS

    wait_until(all_copied, timeout=90, interval=0.5, what=f"{RECORDS} records copied into topic copy")
    by_key = {m.key().decode(): m for m in copied}
    assert len(copied) == RECORDS, "records were duplicated"
    assert len(by_key) == RECORDS
    m = by_key["key-1234"]
    assert m.value() == b"value-1234"
    assert m.headers() == [("h", b"1234")]
    assert m.timestamp()[1] == base_ts + 1234

    # The group's committed offsets cover the whole input once the copies are written.
    probe = Consumer({"bootstrap.servers": server.bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        def committed_total():
            parts = probe.committed([TopicPartition(source_topic, p) for p in range(3)], timeout=10)
            return sum(max(p.offset, 0) for p in parts)
        wait_until(lambda: committed_total() == RECORDS, timeout=30, interval=0.5,
                   what="the copier group's committed offsets")
    finally:
        probe.close()
