"""Fixtures for the end-to-end suite: a real Petrel server and a real InfluxDB 1.6.

Environment:
  PETREL_BIN      the binary under test (default <repo>/.build/debug/petrel)
  PETREL_STANDIN  set to "victoriametrics" to run the Petrel-facing tests against
                  VictoriaMetrics instead. Only for checking the harness itself
                  while Petrel is unfinished; VictoriaMetrics differs from the Petrel
                  contract in places (no /ready, error bodies, /metrics names), so
                  some tests fail there by design.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from harness import InfluxDBServer, PetrelServer, ServerProcess, VictoriaMetricsServer
from promapi import query as _query

STANDIN = os.environ.get("PETREL_STANDIN", "").lower()
LOG_DIR = Path(os.environ.get("PETREL_TEST_LOGS", "/tmp/petrel-e2e-logs"))


def _tmpdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("PETREL_TEST_TMP", "/tmp")))


def make_petrel(work_dir: Path, **kwargs) -> ServerProcess:
    """A stopped Petrel (or, in stand-in mode, VictoriaMetrics) server object."""
    if STANDIN in ("victoriametrics", "vm"):
        return VictoriaMetricsServer(work_dir)
    return PetrelServer(work_dir, **kwargs)


class PetrelFactory:
    """Starts Petrel servers with given options and stops all of them at teardown."""

    def __init__(self, root: Path):
        self.root = root
        self.servers: list[ServerProcess] = []

    def start(self, **kwargs) -> ServerProcess:
        server = make_petrel(self.root / f"petrel{len(self.servers)}", **kwargs)
        self.servers.append(server)
        server.start()
        return server

    def close(self, keep_logs_as: str) -> None:
        """Stops every server and copies its log to LOG_DIR (the data dirs are deleted)."""
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        for i, s in enumerate(self.servers):
            try:
                s.stop()
            except Exception:  # noqa: BLE001 - keep stopping the others
                s.kill9()
            if s.log_path.exists():
                shutil.copy(s.log_path, LOG_DIR / f"{keep_logs_as}-{i}.log")


@pytest.fixture(scope="module")
def petrel_factory(request) -> Iterator[PetrelFactory]:
    root = _tmpdir("petrel-e2e-")
    factory = PetrelFactory(root)
    try:
        yield factory
    finally:
        factory.close(keep_logs_as=request.module.__name__)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _server_survives_each_test(request):
    """Fails the test after which a server process is found dead (a crash), showing why.

    The server is then restarted on the same data dir, so the rest of the module still
    runs and reports its own results (and recovery after the crash is exercised).
    """
    yield
    if "petrel_factory" not in request.fixturenames:
        return
    factory: PetrelFactory = request.getfixturevalue("petrel_factory")
    for s in factory.servers:
        if s.proc is not None and s.proc.poll() is not None:
            code = s.proc.returncode
            why = crash_summary(s.log_path)
            s._finish(code)
            try:
                s.start_with_retry()
                after = "restarted on the same data dir"
            except Exception as exc:  # noqa: BLE001 - reported in the failure
                after = f"restart failed: {str(exc).splitlines()[0]}"
            pytest.fail(f"{s.name} died during this test (exit code {code}; {after}):\n{why}", pytrace=False)


def crash_summary(log_path: Path, frames: int = 14) -> str:
    """The fatal-error line and the top frames of the crashed thread from a server log."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    out = [ln for ln in lines if "Fatal error" in ln or "fatal error" in ln][:3]
    for i, ln in enumerate(lines):
        if "crashed:" in ln:
            out += [x for x in lines[i:i + frames + 2] if x.strip()]
            break
    return "\n".join(out) if out else "\n".join(lines[-30:])


@pytest.fixture(scope="module")
def petrel(petrel_factory: PetrelFactory) -> ServerProcess:
    """A running Petrel shared by the tests of one module.

    `.base` is the URL, `.data_dir` the data directory; `.restart()`, `.kill9()`,
    `.stop()` and `.start_with_retry()` control the process.
    """
    return petrel_factory.start()


@pytest.fixture(scope="session")
def influxdb() -> Iterator[InfluxDBServer]:
    """A running InfluxDB 1.6 with the database `petrel_test` created."""
    if not shutil.which("influxd"):
        pytest.fail("influxd is not installed: run scripts/install-test-deps.sh", pytrace=False)
    root = _tmpdir("influxdb-e2e-")
    server = InfluxDBServer(root)
    server.start()
    server.create_database("petrel_test")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def query():
    """`query(base, promql, time)` → the `data` object of a successful instant query."""
    return _query
