"""Comparing two Prometheus HTTP API answers for the differential suite.

`first_difference(a, b, ordered)` returns None when the answers agree and
otherwise one sentence naming the first thing that differs. Agreement means:
same status and errorType (for parse errors also the `line:col:` position),
same resultType, the same set of series (labels exact), the same timestamps,
and values equal within 1e-9 relative (1e-12 absolute near zero), with
NaN == NaN and infinities of the same sign equal. `ordered` also requires the
same series order (for sort / sort_desc).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Optional

REL_TOL = 1e-9
ABS_TOL = 1e-12
PARSE_POSITION = re.compile(r"(\d+:\d+): parse error")


def load_queries(path: Path) -> list[tuple[int, str, bool]]:
    """(line number, query, must_error) for every query line of a queries file."""
    out = []
    for n, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("! "):
            out.append((n, line[2:].strip(), True))
        else:
            out.append((n, line, False))
    return out


def same_value(a: str, b: str) -> bool:
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= max(ABS_TOL, REL_TOL * max(abs(x), abs(y)))


def _key(metric: dict) -> str:
    return json.dumps(metric, sort_keys=True)


def _pair(p: list) -> str:
    return f"[{p[0]}, {p[1]!r}]"


def error_difference(a: dict, b: dict) -> Optional[str]:
    if a.get("errorType") != b.get("errorType"):
        return f"errorType {a.get('errorType')!r} vs {b.get('errorType')!r}"
    pa = PARSE_POSITION.search(a.get("error", ""))
    pb = PARSE_POSITION.search(b.get("error", ""))
    if bool(pa) != bool(pb) or (pa and pb and pa.group(1) != pb.group(1)):
        return (f"parse error position {pa.group(1) if pa else None} vs {pb.group(1) if pb else None}"
                f" ({a.get('error')!r} vs {b.get('error')!r})")
    return None


def first_difference(a: dict, b: dict, ordered: bool = False) -> Optional[str]:
    """The first way the answer `a` (Petrel) differs from `b` (Prometheus), or None."""
    if a.get("status") != b.get("status"):
        return (f"status {a.get('status')} vs {b.get('status')}"
                f" ({a.get('error') or 'ok'!s} vs {b.get('error') or 'ok'!s})")
    if a.get("status") == "error":
        return error_difference(a, b)
    da, db = a["data"], b["data"]
    if da.get("resultType") != db.get("resultType"):
        return f"resultType {da.get('resultType')} vs {db.get('resultType')}"
    kind = da["resultType"]
    ra, rb = da["result"], db["result"]
    if kind in ("scalar", "string"):
        if ra[0] != rb[0]:
            return f"timestamp {ra[0]} vs {rb[0]}"
        if kind == "string":
            return None if ra[1] == rb[1] else f"string {ra[1]!r} vs {rb[1]!r}"
        return None if same_value(ra[1], rb[1]) else f"value {ra[1]} vs {rb[1]}"
    ka = {_key(s["metric"]): s for s in ra}
    kb = {_key(s["metric"]): s for s in rb}
    if len(ka) != len(ra):
        return f"Petrel answers the same labels twice ({len(ra)} series, {len(ka)} distinct)"
    only_a = sorted(set(ka) - set(kb))
    only_b = sorted(set(kb) - set(ka))
    if only_a or only_b:
        parts = [f"{len(ra)} vs {len(rb)} series"]
        if only_a:
            parts.append(f"only in Petrel: {only_a[0]}" + (f" (+{len(only_a) - 1} more)" if len(only_a) > 1 else ""))
        if only_b:
            parts.append(f"only in Prometheus: {only_b[0]}" + (f" (+{len(only_b) - 1} more)" if len(only_b) > 1 else ""))
        return "; ".join(parts)
    if ordered:
        oa = [_key(s["metric"]) for s in ra]
        ob = [_key(s["metric"]) for s in rb]
        if oa != ob:
            i = next(i for i, (x, y) in enumerate(zip(oa, ob)) if x != y)
            return f"order differs at position {i}: {oa[i]} vs {ob[i]}"
    for key in sorted(ka):
        sa, sb = ka[key], kb[key]
        if kind == "vector":
            va, vb = sa["value"], sb["value"]
            if va[0] != vb[0]:
                return f"{key}: timestamp {va[0]} vs {vb[0]}"
            if not same_value(va[1], vb[1]):
                return f"{key}: value {va[1]} vs {vb[1]} at {va[0]}"
        else:
            pa, pb = sa.get("values", []), sb.get("values", [])
            for x, y in zip(pa, pb):
                if x[0] != y[0]:
                    return f"{key}: first different timestamp {_pair(x)} vs {_pair(y)}"
                if not same_value(x[1], y[1]):
                    return f"{key}: value at {x[0]}: {x[1]} vs {y[1]}"
            if len(pa) != len(pb):
                extra = pa[len(pb)] if len(pa) > len(pb) else pb[len(pa)]
                return f"{key}: {len(pa)} vs {len(pb)} points (first extra {_pair(extra)})"
    return None


def brief(answer: dict, limit: int = 1500) -> str:
    text = json.dumps(answer, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"
