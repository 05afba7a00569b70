"""The `syslog` source end to end: util-linux `logger` and a Python sender
deliver RFC 5424 / RFC 3164 messages over UDP and TCP (octet counting and
newline framing) to a real `petrel serve`; the events are read back from
the source's topic over the Kafka protocol and their fields checked."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import uuid

import pytest
import requests
from confluent_kafka import Consumer, TopicPartition

from harness import free_port, wait_until
from kafka_harness import start_kafka_petrel


def write_config(tmp_path, text: str) -> str:
    path = tmp_path / "petrel.yaml"
    path.write_text(text)
    return str(path)


def read_topic(bootstrap: str, topic: str, expect: int, timeout: float = 20.0) -> list[dict]:
    """Reads `topic` from the beginning until `expect` records came (or the timeout)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"t-{uuid.uuid4().hex[:8]}",
                         "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        out: list[dict] = []
        deadline = time.monotonic() + timeout
        while len(out) < expect and time.monotonic() < deadline:
            for m in consumer.consume(num_messages=1000, timeout=0.5):
                if m.error() is None:
                    out.append(json.loads(m.value()))
        return out
    finally:
        consumer.close()


def component_errors(server, component: str) -> float:
    text = requests.get(f"{server.base}/metrics", timeout=5).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("petrel_component_errors_total") and f'component_id="{component}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture(scope="module")
def syslog_petrel(petrel_factory, tmp_path_factory):
    port = free_port()
    config = write_config(tmp_path_factory.mktemp("syslog"), f"""
sources:
  sys:
    type: syslog
    address: 127.0.0.1:{port}
    max_message_bytes: 4096
""")
    server = start_kafka_petrel(petrel_factory, extra_args=["--config", config])
    server.syslog_port = port
    # The source binds after start-up; wait until its TCP socket answers.
    wait_until(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() or True,
               timeout=15, what="syslog tcp listener")
    return server


def logger_send(port: int, *args: str) -> None:
    subprocess.run(["logger", "--server", "127.0.0.1", "--port", str(port), *args], check=True, timeout=10)


def find(events: list[dict], needle: str) -> dict:
    hits = [e for e in events if needle in e.get("message", "")]
    assert hits, f"no event with {needle!r} among {len(events)}: {events[-3:]}"
    return hits[0]


def test_logger_messages_over_udp_and_tcp_arrive_with_their_fields(syslog_petrel):
    port = syslog_petrel.syslog_port
    tag = uuid.uuid4().hex[:8]
    logger_send(port, "--udp", "--rfc5424", "-t", "app5424", "-p", "auth.err",
                "--sd-id", "meta@32473", "--sd-param", 'user="ann"', f"udp-5424-{tag}")
    logger_send(port, "--udp", "--rfc3164", "-t", "app3164", "-p", "local3.warning", f"udp-3164-{tag}")
    logger_send(port, "--tcp", "--octet-count", "--rfc5424", "-t", "apptcp", "-p", "daemon.info",
                f"tcp-octet-{tag}")
    logger_send(port, "--tcp", "--rfc3164", "-t", "appnl", "-p", "user.notice", f"tcp-newline-{tag}")
    events = []

    def arrived():
        events[:] = read_topic(syslog_petrel.bootstrap, "sys", expect=4, timeout=2)
        return sum(tag in e["message"] for e in events) >= 4

    wait_until(arrived, timeout=20, what="four logger messages in topic sys")
    e = find(events, f"udp-5424-{tag}")
    assert e["source_type"] == "syslog"
    assert e["message"] == f"udp-5424-{tag}"
    assert e["appname"] == "app5424"
    assert e["facility"] == "auth" and e["severity"] == "err"
    assert e["version"] == 1
    assert e["sd.meta@32473.user"] == "ann"
    assert e["source_ip"] == "127.0.0.1"
    assert e["hostname"]
    assert re.match(r"\d{4}-\d\d-\d\dT", e["timestamp"])
    e = find(events, f"udp-3164-{tag}")
    assert e["appname"] == "app3164"
    assert (e["facility"], e["severity"]) == ("local3", "warning")
    assert "version" not in e
    e = find(events, f"tcp-octet-{tag}")
    assert (e["appname"], e["facility"], e["severity"]) == ("apptcp", "daemon", "info")
    assert e["message"] == f"tcp-octet-{tag}"
    e = find(events, f"tcp-newline-{tag}")
    assert (e["appname"], e["facility"], e["severity"]) == ("appnl", "user", "notice")


def test_python_sender_structured_data_escapes_and_many_frames_on_one_connection(syslog_petrel):
    port = syslog_petrel.syslog_port
    tag = uuid.uuid4().hex[:8]
    frames = []
    for i in range(500):
        msg = (f'<134>1 2026-11-22T10:00:00.{i:03d}Z host-{i % 3} web 9 REQ '
               f'[req@1 path="/a\\"b\\]" n="{i}"] \ufeffbatch-{tag}-{i}').encode()
        frames.append(str(len(msg)).encode() + b" " + msg)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"".join(frames))
    events = []

    def arrived():
        events[:] = [e for e in read_topic(syslog_petrel.bootstrap, "sys", expect=10_000, timeout=2)
                     if f"batch-{tag}-" in e["message"]]
        return len(events) >= 500

    wait_until(arrived, timeout=30, what="500 octet-counted frames")
    by_n = {int(e["sd.req@1.n"]): e for e in events}
    assert sorted(by_n) == list(range(500))
    e = by_n[7]
    assert e["message"] == f"batch-{tag}-7"  # BOM removed
    assert e["sd.req@1.path"] == '/a"b]'
    assert e["timestamp"] == "2026-11-22T10:00:00.007000Z"
    assert (e["hostname"], e["msgid"], e["facility"], e["severity"]) == ("host-1", "REQ", "local0", "info")


def test_bad_input_is_counted_kept_raw_and_an_oversized_frame_closes_the_connection(syslog_petrel):
    port = syslog_petrel.syslog_port
    tag = uuid.uuid4().hex[:8]
    before = component_errors(syslog_petrel, "sys")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.sendto(f"garbage-{tag} without a PRI".encode(), ("127.0.0.1", port))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"999999 <13>too big for the limit")
        s.settimeout(5)
        try:
            closed = s.recv(1) == b""
        except ConnectionResetError:
            closed = True
        assert closed, "the source kept a connection open after an oversized frame"
    events = []

    def arrived():
        events[:] = read_topic(syslog_petrel.bootstrap, "sys", expect=10_000, timeout=2)
        return any(f"garbage-{tag}" in e["message"] for e in events)

    wait_until(arrived, timeout=20, what="the raw unparsable message")
    raw = find(events, f"garbage-{tag}")
    assert raw["message"] == f"garbage-{tag} without a PRI"
    assert raw["source_type"] == "syslog"
    wait_until(lambda: component_errors(syslog_petrel, "sys") >= before + 2, timeout=10,
               what="two errors counted")
    assert syslog_petrel.alive()
    # Still serving after the bad input.
    logger_send(port, "--udp", "--rfc5424", "-t", "after", f"after-{tag}")
    wait_until(lambda: any(f"after-{tag}" in e["message"]
                           for e in read_topic(syslog_petrel.bootstrap, "sys", expect=10_000, timeout=2)),
               timeout=20, what="a message after the bad input")
