"""The broker admin API over HTTP (/api/v1/broker/*): topics with partitions,
offsets and sizes, consumer groups with state, members, offsets and lag.

Runs against a plain `petrel serve`: the metrics topic is always there, and
line-protocol writes go through it, so its offsets move by what this test
writes. The TSDB's own consumer group commits into the same offsets store.
"""

from __future__ import annotations

import time

import pytest
import requests

from harness import describe, wait_until
from promapi import write_lp

@pytest.fixture(scope="module")
def petrel(petrel_factory, tmp_path_factory):
    """Petrel with a 1 s TSDB maintenance interval, so its consumer group commits soon."""
    config = tmp_path_factory.mktemp("admin") / "petrel.yaml"
    config.write_text("tsdb:\n  maintenance_interval: 1s\n")
    return petrel_factory.start(extra_args=["--config", str(config)])


TOPIC_FIELDS = {"name", "partitions", "sizeBytes", "messages", "config"}
CONFIG_KEYS = {"cleanup.policy", "max.message.bytes", "retention.bytes", "retention.ms", "segment.bytes", "segment.ms"}


def get(base: str, path: str, status: int = 200) -> dict:
    r = requests.get(base + path, timeout=10)
    assert r.status_code == status, describe(r)
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    return r.json()


def metrics_topic(base: str) -> dict:
    topics = get(base, "/api/v1/broker/topics")["topics"]
    found = [t for t in topics if t["name"] == "metrics"]
    assert found, topics
    return found[0]


def test_topic_list_shows_the_metrics_topic_and_counts_what_was_written(petrel):
    before = metrics_topic(petrel.base)
    assert TOPIC_FIELDS <= set(before), before
    assert set(before["config"]) == CONFIG_KEYS
    assert before["config"]["cleanup.policy"] == "delete"
    assert before["partitions"] == 1
    r = write_lp(petrel.base, "\n".join(f"admin_test,n={i} v={i} {time.time_ns() + i}" for i in range(5)),
                 db="x")
    assert r.status_code == 204, describe(r)
    # One HTTP write is one batch of records; both counts only grow.
    wait_until(lambda: metrics_topic(petrel.base)["messages"] > before["messages"], timeout=10,
               what="the metrics topic's message count to grow")
    after = metrics_topic(petrel.base)
    assert after["sizeBytes"] > before["sizeBytes"]


def test_topic_detail_has_offsets_per_partition(petrel):
    detail = get(petrel.base, "/api/v1/broker/topics/metrics")
    assert detail["name"] == "metrics"
    assert set(detail["config"]) == CONFIG_KEYS
    [p] = detail["partitions"]
    assert p["partition"] == 0
    assert 0 <= p["startOffset"] <= p["highWatermark"] <= p["endOffset"]
    assert p["messages"] == p["endOffset"] - p["startOffset"]
    assert p["segments"] >= 1 and p["sizeBytes"] >= 0


def test_unknown_topic_and_group_are_404_with_a_message(petrel):
    body = get(petrel.base, "/api/v1/broker/topics/no-such-topic", status=404)
    assert "no-such-topic" in body["error"]
    body = get(petrel.base, "/api/v1/broker/groups/no-such-group", status=404)
    assert "no-such-group" in body["error"]


def test_group_list_and_detail_show_committed_offsets_and_lag(petrel):
    r = write_lp(petrel.base, f"admin_group,n=1 v=1 {time.time_ns()}", db="x")
    assert r.status_code == 204, describe(r)

    def tsdb_group():
        found = [g for g in get(petrel.base, "/api/v1/broker/groups")["groups"] if g["id"] == "petrel-tsdb"]
        return found[0] if found else None

    # The TSDB's consumer commits after each maintenance pass: then it is listed as an Empty group.
    group = wait_until(tsdb_group, timeout=15, what="the TSDB consumer group to be listed")
    assert {"id", "state", "protocolType", "protocol", "members"} <= set(group), group
    assert group["state"] == "Empty" and group["members"] == 0 and group["protocolType"] == ""
    detail = get(petrel.base, "/api/v1/broker/groups/petrel-tsdb")
    assert detail["id"] == "petrel-tsdb" and detail["members"] == []
    [offset] = detail["offsets"]
    assert offset["topic"] == "metrics" and offset["partition"] == 0
    assert offset["committedOffset"] >= 0
    assert offset["lag"] == max(0, offset["endOffset"] - offset["committedOffset"])
    assert detail["totalLag"] == offset["lag"]
