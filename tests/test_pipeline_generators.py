"""The generator sources end to end: `random_walk` and `demo_weblogs` feed a
`tsdb` sink and answer PromQL; `demo_weblogs` events are readable over the
Kafka protocol; a `csv` replay of a small file yields exactly its samples."""

from __future__ import annotations

import json
import time
import uuid

from confluent_kafka import Consumer, TopicPartition

from harness import wait_until
from kafka_harness import start_kafka_petrel
from promapi import query


def start_with(petrel_factory, tmp_path, yaml: str):
    path = tmp_path / "petrel.yaml"
    path.write_text(yaml)
    return start_kafka_petrel(petrel_factory, extra_args=["--config", str(path)])


def series(server, promql: str, time_s=None) -> list:
    try:
        return query(server.base, promql, time_s)["result"]
    except AssertionError:
        return []


def test_random_walk_and_demo_weblogs_answer_promql_and_weblog_events_are_readable(petrel_factory, tmp_path):
    server = start_with(petrel_factory, tmp_path, """
sources:
  walk:
    type: random_walk
    interval: 200ms
    seed: 42
  web:
    type: demo_weblogs
    rate: 100
    metrics_topic: metrics
    metrics_interval: 1s
sinks:
  db:
    type: tsdb
    inputs: [walk]
""")
    result = wait_until(lambda: len(series(server, "random_walk_value")) == 10 and series(server, "random_walk_value"),
                        timeout=30, interval=0.5, what="10 random_walk_value series")
    assert sorted(int(s["metric"]["series"]) for s in result) == list(range(10))
    counts = wait_until(lambda: series(server, "sum(demo_http_requests_count)"), timeout=30, interval=0.5,
                        what="demo_http_requests_count")
    assert float(counts[0]["value"][1]) > 0
    assert wait_until(lambda: series(server, 'demo_http_request_duration_ms_p99{status="200"}'), timeout=30,
                      interval=0.5, what="latency quantiles")

    consumer = Consumer({"bootstrap.servers": server.bootstrap, "group.id": f"t-{uuid.uuid4().hex[:8]}",
                         "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition("web", 0, 0)])
        events = []
        deadline = time.monotonic() + 20
        while len(events) < 50 and time.monotonic() < deadline:
            events += [json.loads(m.value()) for m in consumer.consume(500, timeout=0.5) if m.error() is None]
    finally:
        consumer.close()
    assert len(events) >= 50
    e = events[0]
    assert e["source_type"] == "demo_weblogs"
    assert e["method"] in {"GET", "POST", "PUT", "DELETE", "HEAD"}
    assert isinstance(e["status"], int) and isinstance(e["bytes"], int)
    assert isinstance(e["duration_ms"], float)
    assert f'"{e["method"]} {e["path"]} HTTP/1.1" {e["status"]} {e["bytes"]}' in e["message"]
    assert e["client_ip"] in e["message"] and e["user_agent"] in e["message"]


def test_csv_replay_produces_exactly_the_expected_samples(petrel_factory, tmp_path):
    start = int(time.time()) // 60 * 60 - 600
    rows = [(start + 10 * i, "a" if i % 2 == 0 else "b", 0.5 * i, 100 + i) for i in range(6)]
    csv = tmp_path / "replay.csv"
    csv.write_text("time,host,cpu,mem\n" + "".join(f"{t},{h},{c},{m}\n" for t, h, c, m in rows)
                   + "not-a-time,a,1,2\n")
    server = start_with(petrel_factory, tmp_path, f"""
sources:
  replay:
    type: csv
    path: {csv}
    timestamp_column: time
    timestamp_format: unix
    measurement: sys
    tag_columns: [host]
    pace: fast
sinks:
  db:
    type: tsdb
    inputs: [replay]
""")
    end = start + 60
    got = wait_until(lambda: (r := series(server, "sys_cpu[2m]", end)) and sum(len(s["values"]) for s in r) == 6 and r,
                     timeout=30, interval=0.5, what="6 csv samples")
    samples = sorted((s["metric"]["host"], int(t), float(v)) for s in got for t, v in s["values"])
    assert samples == sorted((h, t, c) for t, h, c, _ in rows)
    mem = series(server, "sys_mem[2m]", end)
    assert sorted(float(v) for s in mem for _, v in s["values"]) == [100.0 + i for i in range(6)]
