"""Helpers for the Kafka protocol tests: a Petrel with its broker on a free
loopback port, and small raw-socket Kafka framing for the bad-input tests."""

from __future__ import annotations

import socket
import struct
import time
import uuid
from typing import Optional

from harness import free_port


def start_kafka_petrel(factory, **kwargs):
    """Starts Petrel with its Kafka listener on a free port; `server.kafka_port`
    and `server.bootstrap` name it. Restarts reuse the same port."""
    port = free_port()
    extra = list(kwargs.pop("extra_args", []) or [])
    server = factory.start(extra_args=["--kafka-addr", f"127.0.0.1:{port}"] + extra, **kwargs)
    server.kafka_port = port
    server.bootstrap = f"127.0.0.1:{port}"
    wait_for_port(port)
    return server


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")
            time.sleep(0.05)


def request_frame(api_key: int, version: int, correlation: int, body: bytes = b"",
                  client_id: Optional[str] = "test", flexible: bool = False) -> bytes:
    """A size-prefixed request: header v1 (v2 with `flexible`) + body."""
    cid = b"\xff\xff" if client_id is None else struct.pack(">h", len(client_id)) + client_id.encode()
    header = struct.pack(">hhi", api_key, version, correlation) + cid + (b"\x00" if flexible else b"")
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def read_frame(sock: socket.socket, timeout: float = 5.0) -> Optional[bytes]:
    """One response frame, or None when the broker closed the connection."""
    sock.settimeout(timeout)
    head = _read_exact(sock, 4)
    if head is None:
        return None
    (size,) = struct.unpack(">i", head)
    return _read_exact(sock, size)


def _read_exact(sock: socket.socket, n: int) -> Optional[bytes]:
    data = b""
    while len(data) < n:
        try:
            chunk = sock.recv(n - len(data))
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def closed_by_peer(sock: socket.socket, timeout: float = 5.0) -> bool:
    """True when the broker closes the connection within `timeout` (reads nothing)."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def unique(prefix: str) -> str:
    """A topic or group name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_topic(bootstrap: str, name: str, partitions: int = 3, config: Optional[dict] = None) -> None:
    """Creates a topic through confluent-kafka's AdminClient and waits for the answer."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1, config=config or {})],
                                  operation_timeout=10)
    futures[name].result(timeout=15)


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), as record batch v2 carries it."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def varint(n: int) -> bytes:
    """A zigzag varint, as records inside a batch use them."""
    n = (n << 1) ^ (n >> 63)
    out = b""
    while True:
        if n < 0x80:
            return out + bytes([n])
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7


def record_batch(values: list[bytes], producer_id: int = -1, epoch: int = -1, sequence: int = -1) -> bytes:
    """A record batch v2 of `values` (no keys), as an idempotent producer sends it
    when `producer_id` is given."""
    now = int(time.time() * 1000)
    records = b""
    for i, value in enumerate(values):
        body = b"\x00" + varint(0) + varint(i) + varint(-1) + varint(len(value)) + value + varint(0)
        records += varint(len(body)) + body
    after_crc = struct.pack(">hiqqqhii", 0, len(values) - 1, now, now, producer_id, epoch, sequence, len(values)) + records
    crc_part = struct.pack(">bI", 2, crc32c(after_crc)) + after_crc
    return struct.pack(">qii", 0, 4 + len(crc_part), -1) + crc_part
