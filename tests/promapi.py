"""Small clients for the HTTP APIs under test: line-protocol writes and the Prometheus query API.

Reads poll with a bounded deadline because acknowledged writes become
queryable asynchronously.
"""

from __future__ import annotations

import os
import time
from typing import Optional, Union

import requests

from harness import describe, wait_until

Number = Union[int, float]

# Labels a stand-in server adds on its own (VictoriaMetrics adds `db` from the
# query string); ignored only in stand-in mode, never for Petrel.
IGNORED_LABELS = {"db"} if os.environ.get("PETREL_STANDIN") else set()


def strip_ignored(labels: dict) -> dict:
    return {k: v for k, v in labels.items() if k not in IGNORED_LABELS}


def promql_str(s: str) -> str:
    """Quotes `s` as a PromQL double-quoted string literal."""
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{out}"'


def selector(name: str, labels: Optional[dict] = None) -> str:
    """A PromQL selector `{__name__="name", k="v", ...}` that works for any name and label value."""
    parts = [f"__name__={promql_str(name)}"]
    for k, v in sorted((labels or {}).items()):
        parts.append(f"{k}={promql_str(v)}")
    return "{" + ",".join(parts) + "}"


def write_lp(base: str, body: Union[str, bytes], *, path: str = "/write", timeout: float = 30,
             headers: Optional[dict] = None, **params) -> requests.Response:
    """POSTs a line-protocol body; `params` become query parameters (db, precision, ...)."""
    data = body.encode() if isinstance(body, str) else body
    return requests.post(base + path, params=params, data=data, headers=headers or {}, timeout=timeout)


def query_raw(base: str, promql: str, time_s: Optional[Number] = None, method: str = "GET",
              timeout: float = 30) -> requests.Response:
    params = {"query": promql}
    if time_s is not None:
        params["time"] = fmt_time(time_s)
    if method == "POST":
        return requests.post(base + "/api/v1/query", data=params, timeout=timeout)
    return requests.get(base + "/api/v1/query", params=params, timeout=timeout)


def query(base: str, promql: str, time_s: Optional[Number] = None, method: str = "GET") -> dict:
    """Runs an instant query and returns `data` ({resultType, result}); fails on any error."""
    r = query_raw(base, promql, time_s, method)
    assert r.status_code == 200, f"query {promql!r} at {time_s}: {describe(r)}"
    body = r.json()
    assert body.get("status") == "success", f"query {promql!r}: {body}"
    return body["data"]


def query_range(base: str, promql: str, start: Number, end: Number, step: Union[Number, str],
                method: str = "GET") -> dict:
    """Runs a range query and returns `data`; fails on any error."""
    params = {"query": promql, "start": fmt_time(start), "end": fmt_time(end), "step": str(step)}
    if method == "POST":
        r = requests.post(base + "/api/v1/query_range", data=params, timeout=30)
    else:
        r = requests.get(base + "/api/v1/query_range", params=params, timeout=30)
    assert r.status_code == 200, f"query_range {promql!r}: {describe(r)}"
    body = r.json()
    assert body.get("status") == "success", f"query_range {promql!r}: {body}"
    return body["data"]


def fmt_time(t: Union[Number, str]) -> str:
    """Seconds as the API expects them, keeping millisecond precision exactly."""
    if isinstance(t, (int, str)):
        return str(t)
    return f"{t:.3f}"


def ms_to_s(ms: int) -> str:
    """Milliseconds since the epoch as an exact decimal seconds string."""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    return f"{sign}{ms // 1000}.{ms % 1000:03d}"


def raw_samples(base: str, name: str, labels: Optional[dict], at_ms: int, window_s: int) -> list[dict]:
    """All raw samples of the matching series in (at - window, at], via a range-vector instant query.

    Returns the matrix result: [{"metric": {...}, "values": [[t, "v"], ...]}].
    """
    data = query(base, f"{selector(name, labels)}[{window_s}s]", ms_to_s(at_ms))
    assert data["resultType"] == "matrix", data
    return data["result"]


def wait_samples(base: str, name: str, labels: Optional[dict], at_ms: int, window_s: int,
                 count: int = 1, timeout: float = 10.0) -> list[dict]:
    """Polls `raw_samples` until the matching series hold at least `count` samples in total."""
    def enough():
        res = raw_samples(base, name, labels, at_ms, window_s)
        n = sum(len(s["values"]) for s in res)
        return res if n >= count else None
    return wait_until(enough, timeout=timeout, what=f"{count} sample(s) of {selector(name, labels)}")


def t_ms(t) -> int:
    """A Prometheus API timestamp (float seconds) as integer milliseconds."""
    return int(round(float(t) * 1000))


def now_ms() -> int:
    return int(time.time() * 1000)
