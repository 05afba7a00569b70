"""Raw-socket tests of one connection's request pipeline and of the answers to
requests at versions older than the supported ranges (UNSUPPORTED_VERSION, 35)."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from kafka_harness import create_topic, read_frame, record_batch, request_frame, start_kafka_petrel, unique


@pytest.fixture(scope="module")
def broker(petrel_factory):
    return start_kafka_petrel(petrel_factory, fsync="interval")


def _string(text: str) -> bytes:
    return struct.pack(">h", len(text)) + text.encode()


def _produce_v3_body(topic: str, batch: bytes, acks: int = -1) -> bytes:
    body = struct.pack(">hhi", -1, acks, 10_000)  # transactional_id null, acks, timeout
    body += struct.pack(">i", 1) + _string(topic)
    return body + struct.pack(">i", 1) + struct.pack(">ii", 0, len(batch)) + batch


def _produce_v3_base_offset(frame: bytes) -> tuple[int, int, int]:
    """(correlation id, error code, base offset) of a one-partition Produce v3 answer."""
    (correlation,) = struct.unpack_from(">i", frame, 0)
    (name_len,) = struct.unpack_from(">h", frame, 8)
    pos = 10 + name_len + 4
    _, error, base = struct.unpack_from(">ihq", frame, pos)
    return correlation, error, base


def _api_versions_answers(sock: socket.socket) -> bool:
    sock.sendall(request_frame(18, 0, 4242))
    frame = read_frame(sock)
    return frame is not None and struct.unpack(">ih", frame[:6]) == (4242, 0)


def test_pipelined_produce_requests_keep_their_order_and_share_fsyncs(broker):
    topic = unique("pipe")
    create_topic(broker.bootstrap, topic, partitions=1)
    n = 40
    with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=10) as s:
        started = time.monotonic()
        s.sendall(b"".join(request_frame(0, 3, 100 + i, _produce_v3_body(topic, record_batch([b"m%d" % i, b"n%d" % i])))
                           for i in range(n)))
        answers = [_produce_v3_base_offset(read_frame(s, timeout=15)) for _ in range(n)]
        elapsed = time.monotonic() - started
    assert answers == [(100 + i, 0, 2 * i) for i in range(n)]
    assert elapsed < 10, f"{n} pipelined acks=-1 produces took {elapsed:.1f}s"


def test_a_fetch_long_poll_is_answered_by_a_produce_behind_it_on_the_same_connection(broker):
    topic = unique("poll")
    create_topic(broker.bootstrap, topic, partitions=1)
    # Fetch v4: replica, max_wait 10 s, min_bytes 1, max_bytes, isolation, [topic [partition offset max_bytes]]
    fetch = struct.pack(">iiiib", -1, 10_000, 1, 1 << 20, 0) + struct.pack(">i", 1) + _string(topic)
    fetch += struct.pack(">i", 1) + struct.pack(">iqi", 0, 0, 1 << 20)
    with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=15) as s:
        started = time.monotonic()
        s.sendall(request_frame(1, 4, 1, fetch) + request_frame(0, 3, 2, _produce_v3_body(topic, record_batch([b"wake"]))))
        first, second = read_frame(s, timeout=15), read_frame(s, timeout=15)
        elapsed = time.monotonic() - started
    assert struct.unpack_from(">i", first)[0] == 1 and struct.unpack_from(">i", second)[0] == 2
    assert b"wake" in first, "the fetch should carry the record produced behind it"
    assert elapsed < 5, f"the fetch waited {elapsed:.1f}s instead of being woken by the produce"


def _old_version_answer(port: int, api: int, version: int, body: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request_frame(api, version, 9, body))
        frame = read_frame(s)
        assert frame is not None, f"api {api} v{version}: connection closed instead of an answer"
        assert _api_versions_answers(s), "the connection should stay usable after error 35"
    assert struct.unpack_from(">i", frame)[0] == 9
    return frame[4:]


def test_old_produce_fetch_list_offsets_versions_get_error_35_in_their_layout(broker):
    port = broker.kafka_port
    # Produce v2: acks, timeout, [topic [partition records]] -> [topic [partition error base_offset log_append_time]] throttle
    body = struct.pack(">hi", -1, 1000) + struct.pack(">i", 1) + _string("t") + struct.pack(">i", 2)
    body += struct.pack(">ii", 0, 3) + b"abc" + struct.pack(">ii", 4, -1)
    answer = _old_version_answer(port, 0, 2, body)
    assert answer == (struct.pack(">i", 1) + _string("t") + struct.pack(">i", 2)
                      + struct.pack(">ihqq", 0, 35, -1, -1) + struct.pack(">ihqq", 4, 35, -1, -1) + struct.pack(">i", 0))
    # Fetch v0: replica, max_wait, min_bytes, [topic [partition offset max_bytes]] -> [topic [partition error hw records]]
    body = struct.pack(">iii", -1, 100, 1) + struct.pack(">i", 1) + _string("t") + struct.pack(">i", 1)
    body += struct.pack(">iqi", 3, 0, 1000)
    answer = _old_version_answer(port, 1, 0, body)
    assert answer == struct.pack(">i", 1) + _string("t") + struct.pack(">i", 1) + struct.pack(">ihqi", 3, 35, -1, 0)
    # ListOffsets v0: replica, [topic [partition timestamp max_offsets]] -> [topic [partition error [offsets]]]
    body = struct.pack(">i", -1) + struct.pack(">i", 1) + _string("t") + struct.pack(">i", 1) + struct.pack(">iqi", 0, -1, 1)
    answer = _old_version_answer(port, 2, 0, body)
    assert answer == struct.pack(">i", 1) + _string("t") + struct.pack(">i", 1) + struct.pack(">ihi", 0, 35, 0)


def test_old_admin_versions_get_error_35_and_change_nothing(broker):
    port = broker.kafka_port
    name = unique("old")
    # CreateTopics v1: [name partitions replication [assignments] [configs]] timeout validate -> [name error message]
    body = struct.pack(">i", 1) + _string(name) + struct.pack(">ihii", 1, 1, 0, 0) + struct.pack(">ib", 1000, 0)
    assert _old_version_answer(port, 19, 1, body) == struct.pack(">i", 1) + _string(name) + struct.pack(">hh", 35, -1)
    # DeleteTopics v0: [names] timeout -> [name error]
    body = struct.pack(">i", 1) + _string(name) + struct.pack(">i", 1000)
    assert _old_version_answer(port, 20, 0, body) == struct.pack(">i", 1) + _string(name) + struct.pack(">h", 35)
    # DescribeConfigs v0: [type name keys] -> throttle [error message type name [configs]]
    body = struct.pack(">i", 1) + struct.pack(">b", 2) + _string(name) + struct.pack(">i", -1)
    answer = _old_version_answer(port, 32, 0, body)
    assert answer == struct.pack(">ii", 0, 1) + struct.pack(">hhb", 35, -1, 2) + _string(name) + struct.pack(">i", 0)
    # The topic was not created by the refused CreateTopics.
    from confluent_kafka.admin import AdminClient
    topics = AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=10).topics
    assert name not in topics


def test_versions_newer_than_supported_still_close_the_connection(broker):
    with socket.create_connection(("127.0.0.1", broker.kafka_port), timeout=5) as s:
        s.sendall(request_frame(3, 99, 1))
        assert read_frame(s) is None
