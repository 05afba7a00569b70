"""A sink reads partitions that were added to its input topic after it
started: the topic grows through Kafka CreatePartitions and a record produced
into the new partition reaches the sink's file."""

from __future__ import annotations

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewPartitions

from harness import wait_until
from kafka_harness import start_kafka_petrel


def test_file_sink_receives_records_of_a_partition_added_while_it_runs(petrel_factory, tmp_path):
    out = tmp_path / "out.log"
    config = tmp_path / "petrel.yaml"
    config.write_text(f"""\
sources:
  ext:
    type: external
    topic: grow
sinks:
  out:
    type: file
    inputs: [ext]
    path: {out}
    encoding: raw
""")
    server = start_kafka_petrel(petrel_factory, extra_args=["--config", str(config)])
    admin = AdminClient({"bootstrap.servers": server.bootstrap})
    metadata = admin.list_topics(topic="grow", timeout=10)
    before = len(metadata.topics["grow"].partitions)
    assert before >= 1
    admin.create_partitions([NewPartitions("grow", before + 2)])["grow"].result(15)

    producer = Producer({"bootstrap.servers": server.bootstrap, "acks": "all"})
    producer.produce("grow", value=b"in-the-new-partition", partition=before + 1)
    producer.produce("grow", value=b"in-the-first-partition", partition=0)
    assert producer.flush(15) == 0

    def lines():
        return [line for line in out.read_text().splitlines() if line] if out.exists() else []

    assert wait_until(lambda: len(lines()) >= 2, timeout=15), f"file sink got {lines()}"
    assert sorted(lines()) == ["in-the-first-partition", "in-the-new-partition"]
