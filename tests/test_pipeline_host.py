"""The `host` source: a petrel.yaml with host (interval 1s) → tsdb, then PromQL
answers with Telegraf's names and values that match this machine's /proc."""

from __future__ import annotations

import socket

import pytest

from harness import wait_until
from promapi import query


@pytest.fixture(scope="module")
def petrel(petrel_factory, tmp_path_factory):
    config = tmp_path_factory.mktemp("host") / "petrel.yaml"
    config.write_text(
        "sources:\n"
        "  machine:\n"
        "    type: host\n"
        "    interval: 1s\n"
        "    tags:\n"
        "      rack: r1\n"
        "sinks:\n"
        "  db:\n"
        "    type: tsdb\n"
        "    inputs: [machine]\n")
    return petrel_factory.start(extra_args=["--config", str(config)])


def values(base: str, promql: str) -> list[tuple[dict, float]]:
    """Waits (bounded) until `promql` has a result; returns (labels, value) pairs."""
    result = wait_until(lambda: query(base, promql)["result"], timeout=30, interval=0.25, what=promql)
    return [(r["metric"], float(r["value"][1])) for r in result]


def test_cpu_usage_is_a_percentage_with_telegraf_tags(petrel):
    [(labels, idle)] = values(petrel.base, 'cpu_usage_idle{cpu="cpu-total"}')
    assert 0 <= idle <= 100
    assert labels["host"] == socket.gethostname()
    assert labels["rack"] == "r1"
    per_cpu = values(petrel.base, 'cpu_usage_user{cpu!="cpu-total"}')
    with open("/proc/stat") as f:
        n_cpus = sum(1 for line in f if line.startswith("cpu") and not line.startswith("cpu "))
    assert len(per_cpu) == n_cpus
    assert all(0 <= v <= 100 for _, v in per_cpu)


def test_mem_total_matches_proc_meminfo(petrel):
    with open("/proc/meminfo") as f:
        total_kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal:"))
    [(_, total)] = values(petrel.base, "mem_total")
    assert total == total_kb * 1024
    [(_, used)] = values(petrel.base, "mem_used_percent")
    assert 0 < used < 100
    [(_, available)] = values(petrel.base, "mem_available_percent")
    assert 0 < available <= 100


def test_system_load_and_cpu_count(petrel):
    [(_, load1)] = values(petrel.base, "system_load1")
    assert load1 >= 0
    [(_, uptime)] = values(petrel.base, "system_uptime")
    with open("/proc/uptime") as f:
        assert abs(uptime - float(f.read().split()[0])) < 60


def test_root_disk_usage(petrel):
    disks = values(petrel.base, "disk_used_percent")
    assert disks, "no disk reported"
    for labels, used in disks:
        assert 0 <= used <= 100
        assert {"path", "device", "fstype", "mode"} <= labels.keys()


def test_network_counters(petrel):
    nets = values(petrel.base, "net_bytes_recv")
    with open("/proc/net/dev") as f:
        interfaces = {line.split(":")[0].strip() for line in f if ":" in line} - {"lo"}
    assert {labels["interface"] for labels, _ in nets} == interfaces
    assert all(v >= 0 for _, v in nets)


def test_processes_and_kernel(petrel):
    [(_, total)] = values(petrel.base, "processes_total")
    assert total >= 1
    [(_, boot)] = values(petrel.base, "kernel_boot_time")
    with open("/proc/stat") as f:
        btime = next(int(line.split()[1]) for line in f if line.startswith("btime"))
    assert boot == btime
