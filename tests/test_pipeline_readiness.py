"""`/ready` answers 200 only once the pipeline's listening sources have bound
their sockets, and a source that cannot bind does not hold readiness back
forever: Petrel becomes ready within a bounded time and says which source
is not listening."""

from __future__ import annotations

import socket
import time

import requests

from harness import free_port


def test_sources_accept_connections_as_soon_as_ready_answers(petrel_factory, tmp_path):
    syslog_port = free_port()
    statsd_port = free_port()
    config = tmp_path / "petrel.yaml"
    config.write_text(f"""\
sources:
  logs:
    type: syslog
    address: 127.0.0.1:{syslog_port}
    mode: tcp
  app:
    type: statsd
    address: 127.0.0.1:{statsd_port}
sinks:
  out:
    type: blackhole
    inputs: [logs, app]
""")
    # start() returns as soon as /ready answers 200; no retry after that.
    server = petrel_factory.start(extra_args=["--config", str(config)])
    with socket.create_connection(("127.0.0.1", syslog_port), timeout=2) as conn:
        conn.sendall(b"<14>Oct 11 22:14:15 host app: hello\n")
    bound = open("/proc/net/udp").read() + open("/proc/net/udp6").read()
    assert f":{statsd_port:04X} " in bound, "the statsd UDP socket is bound once /ready is 200"
    assert requests.get(server.base + "/ready", timeout=5).status_code == 200


def test_a_source_that_cannot_bind_is_reported_and_readiness_still_comes(petrel_factory, tmp_path):
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))  # bound, not listening: the source's bind fails, a connect is refused
    taken = holder.getsockname()[1]
    config = tmp_path / "petrel.yaml"
    config.write_text(f"""\
sources:
  logs:
    type: syslog
    address: 127.0.0.1:{taken}
    mode: tcp
sinks:
  out:
    type: blackhole
    inputs: [logs]
""")
    try:
        started = time.monotonic()
        server = petrel_factory.start(extra_args=["--config", str(config)])
        assert time.monotonic() - started < 30
        assert requests.get(server.base + "/ready", timeout=5).status_code == 200
        log = server.log_path.read_text(errors="replace")
        assert "pipeline source is not listening" in log and "logs" in log
    finally:
        holder.close()
