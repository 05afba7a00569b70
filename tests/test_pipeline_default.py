"""The default pipeline: with no sources:/sinks: configured, `petrel serve` writes
host metrics and a scrape of its own /metrics into the TSDB, so a new user sees
data at once; `--no-default-pipeline` turns it off."""

from __future__ import annotations

import json
import urllib.request

import pytest

from harness import wait_until
from promapi import query


def pipeline(base: str) -> dict:
    with urllib.request.urlopen(base + "/api/v1/pipeline", timeout=10) as r:
        return json.load(r)["data"]


@pytest.fixture(scope="module")
def petrel(petrel_factory):
    return petrel_factory.start(default_pipeline=True)


def test_the_default_graph_is_host_and_self_scrape_into_the_tsdb(petrel):
    data = pipeline(petrel.base)
    by_id = {c["id"]: c for c in data["components"]}
    assert by_id["host"]["type"] == "host"
    assert by_id["petrel"]["type"] == "prometheus_scrape"
    assert by_id["db"]["type"] == "tsdb"
    assert sorted(by_id["db"]["inputs"]) == ["host", "petrel"]
    assert all(c["state"] == "running" for c in data["components"])


def test_petrel_scrapes_itself(petrel):
    result = wait_until(lambda: query(petrel.base, 'up{job="petrel"}')["result"], timeout=45, interval=0.5,
                        what="up{job=petrel}")
    assert [float(r["value"][1]) for r in result] == [1.0]
    own = wait_until(lambda: query(petrel.base, 'petrel_component_sent_events_total{job="petrel"}')["result"],
                     timeout=45, interval=0.5, what="component counters scraped")
    assert {r["metric"]["component_id"] for r in own} >= {"host", "petrel"}


def test_host_metrics_arrive_without_any_configuration(petrel):
    with open("/proc/meminfo") as f:
        total_kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal:"))
    result = wait_until(lambda: query(petrel.base, "mem_total")["result"], timeout=45, interval=0.5, what="mem_total")
    assert float(result[0]["value"][1]) == total_kb * 1024


def test_no_default_pipeline_runs_nothing(petrel_factory):
    bare = petrel_factory.start()  # the harness passes --no-default-pipeline
    assert pipeline(bare.base)["components"] == []
