"""Starting and stopping the servers the end-to-end suite talks to.

Petrel, InfluxDB 1.6 and VictoriaMetrics are each run as a real process bound
to 127.0.0.1 on a free port, with a temporary data directory, and stopped by
PID (SIGTERM, then SIGKILL after a timeout). Every wait is bounded in time.
Also used by scripts/bench/ingest.py so the benchmark starts its targets the
same way the tests do.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Optional

import requests

REPO = Path(__file__).resolve().parent.parent


class HarnessError(Exception):
    """A server could not be started, became unready, or did not stop."""


def free_port() -> int:
    """Returns a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HTTPExporter:
    """A tiny HTTP server on a free 127.0.0.1 port, answering every GET with
    `respond(headers) -> (status, content_type, body)`: an exporter to scrape."""

    def __init__(self, respond: Callable[[object], tuple[int, str, bytes]]):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                status, content_type, body = respond(self.headers)
                self.send_response(status)
                if status == 200:
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status == 200:
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def wait_until(predicate: Callable[[], object], timeout: float = 10.0, interval: float = 0.05,
               what: str = "condition"):
    """Polls `predicate` until it returns a truthy value or `timeout` passes.

    Returns the truthy value. Exceptions from the predicate count as "not
    yet"; the last one is reported when the deadline passes.
    """
    deadline = time.monotonic() + timeout
    last_exc: Optional[BaseException] = None
    last_val: object = None
    while True:
        try:
            last_val = predicate()
            if last_val:
                return last_val
        except Exception as exc:  # noqa: BLE001 - polled, reported below
            last_exc = exc
        if time.monotonic() >= deadline:
            detail = f"; last error: {last_exc!r}" if last_exc else f"; last value: {last_val!r}"
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}{detail}")
        time.sleep(interval)


def _http_ok(url: str, expect: tuple[int, ...]) -> bool:
    try:
        return requests.get(url, timeout=1).status_code in expect
    except requests.RequestException:
        return False


class ServerProcess:
    """One server process: command line, port, data dir, log file, lifecycle."""

    name = "server"
    ready_path = "/ready"
    ready_status: tuple[int, ...] = (200,)
    start_timeout = 30.0

    def __init__(self, work_dir: Path, port: Optional[int] = None):
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.work_dir / "data"
        self.data_dir.mkdir(exist_ok=True)
        self.port = port or free_port()
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = self.work_dir / f"{self.name}.log"
        self.exit_codes: list[int] = []
        self._log_file = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> "ServerProcess":
        if self.proc is not None and self.proc.poll() is None:
            raise HarnessError(f"{self.name} already running (pid {self.proc.pid})")
        self._log_file = open(self.log_path, "ab")
        self._log_file.write(f"\n==== start {time.strftime('%H:%M:%S')} {self.command()}\n".encode())
        self._log_file.flush()
        self.proc = subprocess.Popen(self.command(), stdout=self._log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=str(self.work_dir))
        try:
            self.wait_ready()
        except Exception:
            self.kill9()
            raise
        return self

    def wait_ready(self, timeout: Optional[float] = None) -> None:
        timeout = timeout or self.start_timeout
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise HarnessError(f"{self.name} exited with {self.proc.returncode if self.proc else None} "
                                   f"before it was ready; log tail:\n{self.log_tail()}")
            if _http_ok(self.base + self.ready_path, self.ready_status):
                return
            time.sleep(0.05)
        raise HarnessError(f"{self.name} not ready on {self.base}{self.ready_path} within {timeout}s; "
                           f"log tail:\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> Optional[int]:
        """Sends SIGTERM, waits up to `timeout`, then SIGKILL. Returns the exit code."""
        if self.proc is None:
            return None
        code = self.proc.poll()
        if code is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait(timeout=10)
                self._note(f"did not stop within {timeout}s of SIGTERM; killed")
        self._finish(code)
        return code

    def kill9(self) -> None:
        """Kills the process with SIGKILL (a crash) and reaps it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._finish(self.proc.returncode)

    def restart(self) -> "ServerProcess":
        """Stops the process if it still runs and starts it again on the same port and data."""
        if self.alive():
            self.stop()
        return self.start_with_retry()

    def start_with_retry(self, attempts: int = 5) -> "ServerProcess":
        """Starts, retrying a few times: right after a kill the port can briefly still be held."""
        last: Optional[BaseException] = None
        for _ in range(attempts):
            try:
                return self.start()
            except HarnessError as exc:
                last = exc
                time.sleep(0.5)
        raise HarnessError(f"{self.name} failed to start {attempts} times: {last}")

    def _finish(self, code: Optional[int]) -> None:
        if code is not None:
            self.exit_codes.append(code)
        self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _note(self, text: str) -> None:
        with open(self.log_path, "ab") as f:
            f.write(f"==== harness: {text}\n".encode())

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])


def petrel_binary() -> Path:
    """The Petrel binary under test: $PETREL_BIN, else <repo>/.build/debug/petrel."""
    return Path(os.environ.get("PETREL_BIN", str(REPO / ".build" / "debug" / "petrel")))


class PetrelServer(ServerProcess):
    """`petrel serve` with a temporary data dir on a loopback port."""

    name = "petrel"

    def __init__(self, work_dir: Path, binary: Optional[Path] = None, fsync: Optional[str] = None,
                 log_level: str = "info", max_body_bytes: Optional[int] = None,
                 extra_args: Optional[list[str]] = None, port: Optional[int] = None,
                 default_pipeline: bool = False):
        super().__init__(work_dir, port)
        self.default_pipeline = default_pipeline
        self.binary = Path(binary or petrel_binary())
        self.fsync = fsync
        self.log_level = log_level
        self.max_body_bytes = max_body_bytes
        self.extra_args = extra_args or []
        if not self.binary.exists():
            raise HarnessError(f"Petrel binary not found at {self.binary} (set PETREL_BIN or build it "
                               f"with `swift build`)")

    def command(self) -> list[str]:
        cmd = [str(self.binary), "serve", "--data-dir", str(self.data_dir),
               "--http-addr", f"127.0.0.1:{self.port}", "--log-level", self.log_level]
        if self.fsync:
            cmd += ["--fsync", self.fsync]
        if self.max_body_bytes is not None:
            cmd += ["--max-body-bytes", str(self.max_body_bytes)]
        if "--kafka-addr" not in self.extra_args:
            # Several servers run side by side in the suite; the broker's fixed default
            # port would clash. Tests of the broker pass their own free port.
            cmd += ["--kafka-addr", "off"]
        if "--config" not in self.extra_args and not self.default_pipeline:
            # Most tests count series exactly: host metrics and the self-scrape would add some.
            cmd += ["--no-default-pipeline"]
        return cmd + self.extra_args


class VictoriaMetricsServer(ServerProcess):
    """Single-node VictoriaMetrics; serves the same /write and Prometheus query API."""

    name = "victoria-metrics"
    ready_path = "/health"

    def __init__(self, work_dir: Path, port: Optional[int] = None, extra_args: Optional[list[str]] = None):
        super().__init__(work_dir, port)
        self.extra_args = extra_args or []

    def command(self) -> list[str]:
        binary = shutil.which("victoria-metrics") or "/usr/bin/victoria-metrics"
        return [binary, f"-storageDataPath={self.data_dir}", f"-httpListenAddr=127.0.0.1:{self.port}",
                "-search.latencyOffset=0s", "-search.disableCache", "-retentionPeriod=100y",
                "-loggerLevel=WARN"] + self.extra_args


class InfluxDBServer(ServerProcess):
    """InfluxDB 1.6 (`influxd`) with its own config file in the work dir."""

    name = "influxd"
    ready_path = "/ping"
    ready_status = (204,)

    def __init__(self, work_dir: Path, port: Optional[int] = None):
        super().__init__(work_dir, port)
        self.rpc_port = free_port()
        self.config_path = self.work_dir / "influxdb.conf"

    def write_config(self) -> None:
        d = self.data_dir
        self.config_path.write_text(f"""\
reporting-disabled = true
bind-address = "127.0.0.1:{self.rpc_port}"

[meta]
  dir = "{d}/meta"
  logging-enabled = false

[data]
  dir = "{d}/data"
  wal-dir = "{d}/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:{self.port}"
  auth-enabled = false
  log-enabled = false
  max-body-size = 0

[continuous_queries]
  enabled = false
""")

    def command(self) -> list[str]:
        binary = shutil.which("influxd") or "/usr/bin/influxd"
        return [binary, "-config", str(self.config_path)]

    def start(self) -> "InfluxDBServer":
        self.write_config()
        super().start()
        return self

    def influxql(self, q: str, db: Optional[str] = None, method: str = "GET", **params) -> dict:
        """Runs an InfluxQL statement through /query and returns the decoded JSON."""
        p = {"q": q, **params}
        if db:
            p["db"] = db
        if method == "POST":
            r = requests.post(self.base + "/query", params=p, timeout=30)
        else:
            r = requests.get(self.base + "/query", params=p, timeout=30)
        r.raise_for_status()
        body = r.json()
        for res in body.get("results", []):
            if "error" in res:
                raise HarnessError(f"InfluxQL error for {q!r}: {res['error']}")
        return body

    def create_database(self, db: str) -> None:
        self.influxql(f'CREATE DATABASE "{db}"', method="POST")


def json_or_text(resp: requests.Response):
    try:
        return resp.json()
    except ValueError:
        return resp.text


def describe(resp: requests.Response) -> str:
    body = json_or_text(resp)
    if not isinstance(body, str):
        body = json.dumps(body)[:500]
    return f"HTTP {resp.status_code} {body[:500]!r}"
