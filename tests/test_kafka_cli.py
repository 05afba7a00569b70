"""`petrel topics|produce|consume` (Petrel's librdkafka client) against `petrel serve`'s broker.

Petrel's own client talking to Petrel's own broker is one more real-client
conformance test of the Kafka protocol, through every step a user takes on the
command line.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid

import pytest

from harness import free_port, petrel_binary

CLI_TIMEOUT = 60


@pytest.fixture(scope="module")
def broker(petrel_factory) -> str:
    """A Petrel with its Kafka listener on a free loopback port; returns host:port."""
    port = free_port()
    petrel_factory.start(extra_args=["--kafka-addr", f"127.0.0.1:{port}"])
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return f"127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Petrel's Kafka port {port} did not open within 15s")
            time.sleep(0.05)


def cli(broker: str, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Runs `petrel ARGS --brokers BROKER`, bounded in time."""
    cmd = [str(petrel_binary()), *args, "--brokers", broker]
    result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=CLI_TIMEOUT)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {result.returncode}\nstdout: {result.stdout[-2000:]}\n"
                             f"stderr: {result.stderr[-2000:]}")
    return result


def topic_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def listed(broker: str) -> dict[str, int]:
    out = cli(broker, "topics", "list").stdout
    return {name: int(parts) for name, parts in (line.split("\t") for line in out.splitlines() if line)}


def test_topics_create_list_describe_delete(broker):
    name = topic_name("cli-admin")
    out = cli(broker, "topics", "create", name, "--partitions", "3", "--config", "retention.ms=3600000").stdout
    assert f"created topic {name}" in out
    assert listed(broker).get(name) == 3

    described = cli(broker, "topics", "describe", name).stdout
    assert f"topic {name}\tpartitions 3" in described
    assert sum(1 for line in described.splitlines() if line.strip().startswith("partition ")) == 3
    assert "config retention.ms=3600000" in described

    again = cli(broker, "topics", "create", name, check=False)
    assert again.returncode != 0
    assert "TOPIC_ALREADY_EXISTS" in again.stderr

    assert f"deleted topic {name}" in cli(broker, "topics", "delete", name).stdout
    assert name not in listed(broker)


def test_produce_lines_and_consume_them_back_from_the_beginning(broker):
    name = topic_name("cli-lines")
    cli(broker, "topics", "create", name, "--partitions", "1")
    lines = [f"key{i % 10}:value {i}" for i in range(1000)]
    out = cli(broker, "produce", name, "--key-separator", ":", "--header", "source=test",
              stdin="\n".join(lines) + "\n").stdout
    assert "produced 1000 record(s)" in out

    consumed = cli(broker, "consume", name, "--from-beginning", "--max-messages", "1000", "--timeout", "20",
                   "--print-key", "--print-offset")
    rows = consumed.stdout.splitlines()
    assert len(rows) == 1000
    for i, row in enumerate(rows):
        assert row == f"0:{i}\tkey{i % 10}\tvalue {i}"
    assert "consumed 1000 record(s)" in consumed.stderr


def test_a_group_resumes_where_it_committed(broker):
    name = topic_name("cli-group")
    group = topic_name("readers")
    cli(broker, "topics", "create", name, "--partitions", "2")
    cli(broker, "produce", name, stdin="".join(f"m{i}\n" for i in range(50)))

    # --timeout counts from the start, group join included: the readers that must get records
    # stop at --max-messages, so their limit only guards against hanging; the reader that must
    # get nothing waits long enough to have joined on a loaded machine.
    first = cli(broker, "consume", name, "--group", group, "--from-beginning", "--max-messages", "50",
                "--timeout", "45")
    assert sorted(first.stdout.splitlines()) == sorted(f"m{i}" for i in range(50))

    second = cli(broker, "consume", name, "--group", group, "--from-beginning", "--timeout", "10")
    assert second.stdout == ""
    assert "consumed 0 record(s)" in second.stderr

    cli(broker, "produce", name, stdin="late\n")
    third = cli(broker, "consume", name, "--group", group, "--max-messages", "1", "--timeout", "45")
    assert third.stdout.splitlines() == ["late"]


def test_a_group_resumes_a_partition_it_found_empty(broker):
    """The partitioner may leave a partition without records (under load it often does): a group that
    read from the beginning resumes that partition at its start too, not at the end."""
    name = topic_name("cli-empty")
    group = topic_name("readers")
    cli(broker, "topics", "create", name, "--partitions", "2")
    cli(broker, "produce", name, "--partition", "0", stdin="".join(f"m{i}\n" for i in range(10)))

    first = cli(broker, "consume", name, "--group", group, "--from-beginning", "--max-messages", "10",
                "--timeout", "45")
    assert sorted(first.stdout.splitlines()) == sorted(f"m{i}" for i in range(10))

    cli(broker, "produce", name, "--partition", "1", stdin="late\n")
    second = cli(broker, "consume", name, "--group", group, "--max-messages", "1", "--timeout", "45")
    assert second.stdout.splitlines() == ["late"]


def test_unreachable_broker_fails_fast_with_a_clear_error():
    port = free_port()
    result = cli(f"127.0.0.1:{port}", "topics", "list", "--request-timeout", "2", check=False)
    assert result.returncode != 0
    assert "_TIMED_OUT" in result.stderr
