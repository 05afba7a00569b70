"""Differential line-protocol tests: each tricky body goes alone to InfluxDB 1.6 and to Petrel.

Both must accept it (2xx) or both must reject it (4xx). For accepted bodies,
every numeric/boolean field InfluxDB stored must read back from Petrel's
`/api/v1/query` as series `<measurement>_<field>{<tags>}` with the same value
and (millisecond) timestamp.

Intentional, documented differences, where Petrel's own behaviour is asserted
instead of equality:
  * unsigned `42u` fields: InfluxDB 1.6 rejects them; Petrel accepts them like
    InfluxDB 2 does.
  * precision=us: InfluxDB 1.6 only knows `u` and silently treats `us` as
    nanoseconds; Petrel treats `us` as microseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import pytest

from harness import describe
from promapi import strip_ignored, t_ms, wait_samples, write_lp

NOW_S = int(time.time())
HOUR_S = NOW_S // 3600 * 3600 - 2 * 3600          # two hours ago, on the hour
TS_S = HOUR_S
TS_MS = TS_S * 1000
TS_NS = TS_MS * 1_000_000
NEG_NS = -1_000_000_000_000                        # 1969-12-31T23:43:20Z, whole milliseconds



@dataclass(frozen=True)
class Case:
    """One body to write; `{m}` is a measurement name unique to the case."""

    id: str
    body: str
    precision: Optional[str] = None
    explicit_ts: bool = True
    kind: str = "differential"   # or "unsigned", "us_precision"


C = Case
CASES: list[Case] = [
    C("float-with-tags", "{m},host=a,region=eu f=1.5 {ts}"),
    C("sub-millisecond-timestamp", "{m} f=2 {ts_subms}"),
    C("no-timestamp", "{m},t=v f=3", explicit_ts=False),
    C("int", "{m} i=42i {ts}"),
    C("negative-int", "{m} i=-42i {ts}"),
    C("zero-ints", "{m} a=0i,b=-0i {ts}"),
    C("int-max", "{m} i=9223372036854775807i {ts}"),
    C("int-min", "{m} i=-9223372036854775808i {ts}"),
    C("int-overflow", "{m} i=9223372036854775808i {ts}"),
    C("int-underflow", "{m} i=-9223372036854775809i {ts}"),
    C("int-with-decimals", "{m} i=1.5i {ts}"),
    C("unsigned", "{m} u=42u {ts}", kind="unsigned"),
    C("bools-lower", "{m} a=t,b=true,c=f,d=false {ts}"),
    C("bools-upper", "{m} a=T,b=True,c=TRUE,d=F,e=False,g=FALSE {ts}"),
    C("bad-bool-suffix", "{m} a=truee {ts}"),
    C("bad-bool-mixed-case", "{m} a=tRUE {ts}"),
    C("string-and-float", '{m} s="hello world",f=7 {ts}'),
    C("string-escaped-quote-backslash", '{m} s="a\\"b\\\\c",f=8 {ts}'),
    C("string-with-separators", '{m} s="a,b=c d",f=9 {ts}'),
    C("string-only", '{m} s="only" {ts}'),
    C("string-unterminated", '{m} s="abc {ts}'),
    C("string-with-newline", '{m} s="a\nb",f=10 {ts}'),
    C("float-exponents", "{m} a=1e3,b=1.5E-3,c=-2.5e+2 {ts}"),
    C("float-short-forms", "{m} a=.5,b=5.,c=-0.0 {ts}"),
    C("float-leading-plus", "{m} a=+1 {ts}"),
    C("float-nan", "{m} a=NaN {ts}"),
    C("float-inf", "{m} a=Inf {ts}"),
    C("float-negative-inf", "{m} a=-Inf {ts}"),
    C("bad-number-two-dots", "{m} a=1.2.3 {ts}"),
    C("bad-number-letter", "{m} a=1a {ts}"),
    C("bad-number-hex", "{m} a=0x10 {ts}"),
    C("float-overflow", "{m} a=1e400 {ts}"),
    C("long-integer-as-float", "{m} a=123456789012345678901234567890 {ts}"),
    C("many-fields", "{m} " + ",".join(f"f{i}={i}" for i in range(200)) + " {ts}"),
    C("missing-fields", "{m},t=v {ts}"),
    C("measurement-only", "{m}"),
    C("missing-measurement", ",t=v f=1 {ts}"),
    C("empty-tag-value", "{m},t= f=1 {ts}"),
    C("tag-without-equals", "{m},t f=1 {ts}"),
    C("space-after-comma", "{m}, t=v f=1 {ts}"),
    C("empty-field-key", "{m} =1 {ts}"),
    C("field-without-value", "{m} f= {ts}"),
    C("escaped-measurement", "{m}\\ a\\,b f=1 {ts}"),
    C("escaped-tag-key-and-value", "{m},t\\ k\\,x\\=y=v\\ 1\\,2\\=3 f=1 {ts}"),
    C("escaped-field-key", "{m} f\\ x\\,y\\=z=1 {ts}"),
    C("equals-in-measurement", "{m}=x f=1 {ts}"),
    C("backslash-in-tag-value", "{m},t=a\\b f=1 {ts}"),
    C("double-backslash-in-tag-value", "{m},t=ab\\\\ f=1 {ts}"),
    C("quotes-in-tag-value", '{m},t="q" f=1 {ts}'),
    C("unicode-names", "{m}_température,lieu=Zürich wert=1,émoji😀=2 {ts}"),
    C("very-long-names", "{m}" + "x" * 2000 + "," + "k" * 500 + "=" + "v" * 5000 + " " + "f" * 500 + "=1 {ts}"),
    C("duplicate-fields", "{m} f=1,f=2 {ts}"),
    C("duplicate-tags", "{m},t=a,t=b f=1 {ts}"),
    C("unsorted-tags", "{m},b=2,a=1 f=1 {ts}"),
    C("trailing-space-after-timestamp", "{m} f=1 {ts} "),
    C("trailing-spaces-no-timestamp", "{m} f=1   ", explicit_ts=False),
    C("leading-spaces", "   {m} f=1 {ts}"),
    C("double-space-separators", "{m}  f=1  {ts}"),
    C("tab-separator", "{m}\tf=1 {ts}"),
    C("crlf", "{m} f=1 {ts}\r\n"),
    C("crlf-no-timestamp", "{m} f=1\r\n", explicit_ts=False),
    C("comment-only", "# just a comment"),
    C("comment-then-line", "# a comment\n{m} f=1 {ts}\n"),
    C("blank-lines-around", "\n\n{m} f=1 {ts}\n\n"),
    C("empty-body", ""),
    C("whitespace-only-body", "   \n  \n"),
    C("negative-timestamp", "{m} f=1 {neg}"),
    C("zero-timestamp", "{m} f=1 0"),
    C("timestamp-with-letters", "{m} f=1 123abc"),
    C("timestamp-float", "{m} f=1 1.5e18"),
    C("timestamp-overflow", "{m} f=1 99999999999999999999"),
    C("extra-token-after-timestamp", "{m} f=1 {ts} 5"),
    C("precision-s", "{m} f=1 {ts_s}", precision="s"),
    C("precision-ms", "{m} f=1 {ts_ms}", precision="ms"),
    C("precision-u", "{m} f=1 {ts_us}", precision="u"),
    C("precision-n", "{m} f=1 {ts}", precision="n"),
    C("precision-ns", "{m} f=1 {ts}", precision="ns"),
    C("precision-m", "{m} f=1 {ts_min}", precision="m"),
    C("precision-h", "{m} f=1 {ts_h}", precision="h"),
    C("precision-us", "{m} f=1 {ts_us}", precision="us", kind="us_precision"),
]


@pytest.fixture(scope="module")
def petrel(petrel_factory):
    """Petrel with a retention long enough for the 1969 and 1970 timestamps of some cases.

    This module tests parsing and storage of what InfluxDB stores, not retention.
    """
    return petrel_factory.start(extra_args=["--retention", "40000d"])


# Cases without a timestamp get "now"; they run last so that a server which (wrongly)
# drops samples older than its newest one fails only the cases that show it
# (negative-timestamp, zero-timestamp) instead of every later case.
CASES = [c for c in CASES if c.explicit_ts] + [c for c in CASES if not c.explicit_ts]


def render(case: Case, index: int) -> tuple[str, str]:
    """The case's measurement prefix and body."""
    m = f"lp{index:02d}q"
    body = case.body
    for key, val in {"{m}": m, "{ts_subms}": str(TS_NS + 123_456_789), "{ts_s}": str(TS_S),
                     "{ts_ms}": str(TS_MS), "{ts_us}": str(TS_MS * 1000), "{ts_min}": str(TS_S // 60),
                     "{ts_h}": str(TS_S // 3600), "{neg}": str(NEG_NS), "{ts}": str(TS_NS)}.items():
        body = body.replace(key, val)
    return m, body


def influx_expected(influxdb, db: str) -> list[tuple[str, dict, int, float]]:
    """Every numeric/boolean value InfluxDB stored in `db`: (series name, tags, ms, value)."""
    types: dict[tuple[str, str], str] = {}
    for s in influxdb.influxql("SHOW FIELD KEYS", db=db)["results"][0].get("series", []):
        for key, ftype in s["values"]:
            types[(s["name"], key)] = ftype
    out = []
    res = influxdb.influxql("SELECT * FROM /.*/ GROUP BY *", db=db, epoch="ms")
    for s in res["results"][0].get("series", []):
        tags = {k: v for k, v in (s.get("tags") or {}).items() if v != ""}
        cols = s["columns"]
        for row in s["values"]:
            ts = row[0]
            for col, val in zip(cols[1:], row[1:]):
                if val is None or types.get((s["name"], col)) == "string":
                    continue
                num = (1.0 if val else 0.0) if isinstance(val, bool) else float(val)
                out.append((f"{s['name']}_{col}", tags, ts, num))
    return out


def petrel_samples(petrel, name: str, at_ms: int, window_s: int, count: int) -> list[tuple[dict, int, float]]:
    res = wait_samples(petrel.base, name, None, at_ms, window_s, count=count)
    got = []
    for series in res:
        labels = strip_ignored(series["metric"])
        for t, v in series["values"]:
            got.append((labels, t_ms(t), float(v)))
    return got


def first_bad_line(body: str) -> int:
    """1-based number of the only non-blank, non-comment line of a one-line case."""
    lines = body.split("\n")
    candidates = [i + 1 for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    return candidates[0] if len(candidates) == 1 else -1


def assert_petrel_rejection_shape(resp, body: str) -> None:
    assert resp.status_code == 400, describe(resp)
    err = resp.json()
    assert err.get("code") == "invalid", err
    assert isinstance(err.get("error"), str) and err["error"], err
    assert isinstance(err.get("message"), str) and err["message"], err
    expected_line = first_bad_line(body)
    if expected_line > 0:
        assert err.get("line") == expected_line, err


def check_readback(petrel, expected, explicit_ts: bool) -> None:
    by_name: dict[str, list] = {}
    for name, tags, ts, val in expected:
        by_name.setdefault(name, []).append((tags, ts, val))
    for name, items in by_name.items():
        newest = max(ts for _, ts, _ in items)
        at_ms = newest + 5000 if explicit_ts else max(newest, int(time.time() * 1000)) + 5000
        got = petrel_samples(petrel, name, at_ms, window_s=120, count=len(items))
        for tags, ts, val in items:
            want_labels = {"__name__": name, **tags}
            matches = [g for g in got if g[0] == want_labels]
            assert matches, f"{name}: no series with labels {want_labels}; got {got}"
            if explicit_ts:
                assert (want_labels, ts, val) in matches, f"{name}: want ts={ts} value={val}; got {matches}"
            else:
                assert any(abs(gts - ts) < 5000 and gv == val for _, gts, gv in matches), \
                    f"{name}: want value={val} near ts={ts}; got {matches}"
        assert len(got) == len(items), f"{name}: expected {len(items)} sample(s), got {got}"


@pytest.mark.parametrize("index,case", list(enumerate(CASES)), ids=[c.id for c in CASES])
def test_line_is_accepted_or_rejected_like_influxdb(index, case, petrel, influxdb):
    m, body = render(case, index)
    db = f"lp_{index:02d}"
    influxdb.create_database(db)
    params = {"db": db}
    if case.precision:
        params["precision"] = case.precision

    influx_resp = write_lp(influxdb.base, body, **params)
    petrel_resp = write_lp(petrel.base, body, **params)
    assert influx_resp.status_code < 500, f"InfluxDB: {describe(influx_resp)}"
    assert petrel_resp.status_code < 500, f"Petrel: {describe(petrel_resp)}"

    if case.kind == "unsigned":
        # Intentional difference: InfluxDB 1.6 has no unsigned fields; Petrel accepts them (InfluxDB 2).
        assert influx_resp.status_code == 400, describe(influx_resp)
        assert petrel_resp.status_code == 204, describe(petrel_resp)
        got = petrel_samples(petrel, f"{m}_u", TS_MS + 5000, 120, 1)
        assert got == [({"__name__": f"{m}_u"}, TS_MS, 42.0)]
        return
    if case.kind == "us_precision":
        # Intentional difference: InfluxDB 1.6 reads precision=us as nanoseconds; Petrel as microseconds.
        assert influx_resp.status_code == 204, describe(influx_resp)
        assert petrel_resp.status_code == 204, describe(petrel_resp)
        got = petrel_samples(petrel, f"{m}_f", TS_MS + 5000, 120, 1)
        assert got == [({"__name__": f"{m}_f"}, TS_MS, 1.0)]
        return

    influx_ok = 200 <= influx_resp.status_code < 300
    petrel_ok = 200 <= petrel_resp.status_code < 300
    assert influx_ok == petrel_ok, (f"body {body!r}: InfluxDB {describe(influx_resp)} "
                                    f"but Petrel {describe(petrel_resp)}")
    if not petrel_ok:
        assert_petrel_rejection_shape(petrel_resp, body)
        return
    expected = influx_expected(influxdb, db)
    if expected:
        check_readback(petrel, expected, case.explicit_ts)


def test_enough_tricky_lines_are_covered():
    assert len(CASES) >= 40
