"""The Prometheus HTTP API on data imported through `/api/v1/import/prometheus`.

Checks the exact JSON shapes Grafana and other Prometheus clients rely on:
`{"status":"success","data":{"resultType":...,"result":[...]}}`, sample values
as strings, timestamps as numbers, and `{"status":"error","errorType":"bad_data",...}`.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import pytest
import requests

from harness import describe, wait_until
from promapi import IGNORED_LABELS, query, query_range, query_raw, strip_ignored, t_ms, wait_samples

T0 = int(time.time()) // 60 * 60 - 1800      # seconds, 30 min ago on the minute
STEP = 15
N = 21                                       # samples at T0, T0+15, ..., T0+300
T_END = T0 + STEP * (N - 1)
T_OLD = T0 - 3 * 86400                        # a series that exists only three days earlier

COUNTERS = {  # (job, code) -> increase per second
    ("api", "200"): 2.0,
    ("api", "500"): 0.2,
    ("web", "200"): 1.0,
}
ROOMS = {"a": None, "ab": 30.0, "b": 40.0, "c": 50.0}   # None: 20 + k, so offset is visible


def temp(room: str, k: int) -> float:
    return 20.0 + k if ROOMS[room] is None else ROOMS[room]


def exposition(k: int) -> str:
    ts_ms = (T0 + STEP * k) * 1000
    lines = ["# HELP pa_requests_total Requests served.", "# TYPE pa_requests_total counter"]
    for (job, code), per_s in COUNTERS.items():
        lines.append(f'pa_requests_total{{job="{job}",code="{code}"}} {per_s * STEP * k:g} {ts_ms}')
    lines += ["# HELP pa_temp Room temperature.", "# TYPE pa_temp gauge"]
    for room in ROOMS:
        lines.append(f'pa_temp{{room="{room}"}} {temp(room, k):g} {ts_ms}')
    return "\n".join(lines) + "\n"


def api_get(base: str, path: str, params) -> dict:
    r = requests.get(base + path, params=params, timeout=30)
    assert r.status_code == 200, f"{path} {params}: {describe(r)}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    body = r.json()
    assert body["status"] == "success", body
    return body["data"]


@pytest.fixture(scope="module")
def imported(petrel):
    for k in range(N):
        r = requests.post(petrel.base + "/api/v1/import/prometheus", data=exposition(k).encode(), timeout=30)
        assert r.status_code == 204, describe(r)
    wait_samples(petrel.base, "pa_temp", {"room": "c"}, T_END * 1000, window_s=STEP * N, count=N)
    wait_samples(petrel.base, "pa_requests_total", None, T_END * 1000, window_s=STEP * N, count=N * 3)
    return petrel.base


@pytest.fixture(scope="module")
def imported_old(imported):
    """Adds `pa_old`, a sample three days older than everything else, imported after the recent data.

    InfluxDB and VictoriaMetrics store such late samples; an acknowledged one must be queryable.
    """
    r = requests.post(imported + "/api/v1/import/prometheus",
                      data=f'pa_old{{x="1"}} 7 {T_OLD * 1000}\n'.encode(), timeout=30)
    assert r.status_code == 204, describe(r)
    wait_samples(imported, "pa_old", None, T_OLD * 1000 + 1000, window_s=60, count=1)
    return imported


def label_sets(series: list[dict]) -> set[frozenset]:
    return {frozenset(strip_ignored(s).items()) for s in series}


def test_import_stores_every_sample_with_its_timestamp(imported):
    res = wait_samples(imported, "pa_temp", {"room": "a"}, T_END * 1000, window_s=STEP * N, count=N)
    assert [(t_ms(t), float(v)) for t, v in res[0]["values"]] == \
        [((T0 + STEP * k) * 1000, 20.0 + k) for k in range(N)]


def test_series_lists_exact_label_sets_for_match_and_range(imported):
    data = api_get(imported, "/api/v1/series", {"match[]": "pa_temp", "start": T0, "end": T_END})
    assert label_sets(data) == {frozenset({("__name__", "pa_temp"), ("room", r)}) for r in ROOMS}
    assert len(data) == len(ROOMS)


def test_series_respects_start_and_end(imported_old):
    imported = imported_old
    recent = api_get(imported, "/api/v1/series", {"match[]": '{__name__=~"pa_.*"}', "start": T0, "end": T_END})
    assert {s["__name__"] for s in recent} == {"pa_temp", "pa_requests_total"}
    old = api_get(imported, "/api/v1/series", {"match[]": '{__name__=~"pa_.*"}',
                                              "start": T_OLD - 60, "end": T_OLD + 60})
    assert label_sets(old) == {frozenset({("__name__", "pa_old"), ("x", "1")})}


def test_series_with_several_match_params_is_the_union(imported_old):
    imported = imported_old
    data = api_get(imported, "/api/v1/series", [("match[]", 'pa_temp{room="a"}'), ("match[]", "pa_old"),
                                                ("start", T_OLD - 60), ("end", T_END)])
    assert label_sets(data) == {frozenset({("__name__", "pa_temp"), ("room", "a")}),
                                frozenset({("__name__", "pa_old"), ("x", "1")})}


def test_series_without_match_is_bad_data(imported):
    r = requests.get(imported + "/api/v1/series", timeout=30)
    assert_bad_data(r)


def test_labels_are_sorted_names_of_matching_series(imported):
    data = api_get(imported, "/api/v1/labels", {"match[]": "pa_requests_total", "start": T0, "end": T_END})
    assert [x for x in data if x not in IGNORED_LABELS] == ["__name__", "code", "job"]


def test_labels_without_match_include_all_recent_names(imported):
    data = api_get(imported, "/api/v1/labels", {"start": T0, "end": T_END})
    assert data == sorted(data)
    assert {"__name__", "code", "job", "room"} <= set(data)


def test_label_values_with_match(imported):
    assert api_get(imported, "/api/v1/label/room/values",
                   {"match[]": "pa_temp", "start": T0, "end": T_END}) == ["a", "ab", "b", "c"]
    assert api_get(imported, "/api/v1/label/job/values",
                   {"match[]": 'pa_requests_total{code="500"}', "start": T0, "end": T_END}) == ["api"]
    assert api_get(imported, "/api/v1/label/__name__/values",
                   {"match[]": '{__name__=~"pa_.*"}', "start": T0, "end": T_END}) == ["pa_requests_total", "pa_temp"]


def test_label_values_of_unknown_label_is_empty_list(imported):
    assert api_get(imported, "/api/v1/label/no_such_label/values",
                   {"match[]": "pa_temp", "start": T0, "end": T_END}) == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_instant_query_vector_shape(imported, method):
    r = query_raw(imported, 'pa_temp{room="b"}', T_END, method=method)
    assert r.status_code == 200, describe(r)
    assert r.headers.get("Content-Type", "").startswith("application/json")
    body = r.json()
    assert body["status"] == "success"
    data = body["data"]
    assert data["resultType"] == "vector"
    assert len(data["result"]) == 1
    item = data["result"][0]
    assert strip_ignored(item["metric"]) == {"__name__": "pa_temp", "room": "b"}
    ts, val = item["value"]
    assert isinstance(ts, (int, float)) and not isinstance(ts, bool)
    assert ts == T_END
    assert isinstance(val, str) and float(val) == 40.0


def test_instant_query_accepts_rfc3339_time(imported):
    when = dt.datetime.fromtimestamp(T_END, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = query(imported, 'pa_temp{room="a"}', when)
    assert [float(x["value"][1]) for x in data["result"]] == [20.0 + N - 1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_range_query_matrix_shape(imported, method):
    data = query_range(imported, 'pa_temp{room="a"}', T0, T_END, 60, method=method)
    assert data["resultType"] == "matrix"
    assert len(data["result"]) == 1
    series = data["result"][0]
    assert strip_ignored(series["metric"]) == {"__name__": "pa_temp", "room": "a"}
    for t, v in series["values"]:
        assert isinstance(t, (int, float)) and isinstance(v, str)
    assert [(t_ms(t), float(v)) for t, v in series["values"]] == \
        [((T0 + 60 * i) * 1000, 20.0 + 4 * i) for i in range(6)]


def test_range_query_accepts_duration_step(imported):
    data = query_range(imported, 'pa_temp{room="b"}', T0, T_END, "1m")
    assert [t_ms(t) for t, _ in data["result"][0]["values"]] == [(T0 + 60 * i) * 1000 for i in range(6)]


def test_rate_of_a_linear_counter(imported):
    data = query(imported, 'rate(pa_requests_total{job="api",code="200"}[1m])', T0 + 120)
    assert data["resultType"] == "vector"
    assert len(data["result"]) == 1
    item = data["result"][0]
    assert strip_ignored(item["metric"]) == {"job": "api", "code": "200"}, "rate drops the metric name"
    assert math.isclose(float(item["value"][1]), 2.0, rel_tol=1e-9)


def test_rate_over_a_range_query(imported):
    data = query_range(imported, 'rate(pa_requests_total{job="web"}[1m])', T0 + 60, T_END, 60)
    values = [float(v) for _, v in data["result"][0]["values"]]
    assert len(values) == 5
    assert all(math.isclose(v, 1.0, rel_tol=1e-9) for v in values), values


def test_sum_by_job_of_rates(imported):
    data = query(imported, "sum by (job) (rate(pa_requests_total[1m]))", T0 + 120)
    got = {strip_ignored(x["metric"]).get("job"): float(x["value"][1]) for x in data["result"]}
    assert set(got) == {"api", "web"}
    assert all(strip_ignored(x["metric"]).keys() == {"job"} for x in data["result"])
    assert math.isclose(got["api"], 2.2, rel_tol=1e-9)
    assert math.isclose(got["web"], 1.0, rel_tol=1e-9)


def test_sum_without_grouping_has_empty_labels(imported):
    data = query(imported, "sum(pa_temp)", T_END)
    assert len(data["result"]) == 1
    assert strip_ignored(data["result"][0]["metric"]) == {}
    assert float(data["result"][0]["value"][1]) == 20.0 + N - 1 + 30 + 40 + 50


@pytest.mark.parametrize("sel,rooms", [
    ('pa_temp{room="a"}', {"a"}),
    ('pa_temp{room!="a"}', {"ab", "b", "c"}),
    ('pa_temp{room=~"a|b"}', {"a", "b"}),           # anchored: "ab" does not match
    ('pa_temp{room!~"a.*"}', {"b", "c"}),
    ('{__name__="pa_temp",room=~"a.+"}', {"ab"}),
    ('{__name__=~"pa_te.*",room!="c"}', {"a", "ab", "b"}),
])
def test_label_matchers(imported, sel, rooms):
    data = query(imported, sel, T_END)
    assert {x["metric"]["room"] for x in data["result"]} == rooms


def test_offset_shifts_the_evaluation_time(imported):
    data = query(imported, 'pa_temp{room="a"} offset 1m', T_END)
    assert len(data["result"]) == 1
    ts, val = data["result"][0]["value"]
    assert ts == T_END
    assert float(val) == 20.0 + N - 1 - 4


def test_query_before_any_data_is_an_empty_vector(imported):
    data = query(imported, "pa_temp", T0 - 3600)
    assert data == {"resultType": "vector", "result": []}


def test_scalar_literal_shape(imported):
    data = query(imported, "42", T_END)
    assert data["resultType"] == "scalar"
    ts, val = data["result"]
    assert ts == T_END and val == "42"


def test_buildinfo(petrel):
    data = api_get(petrel.base, "/api/v1/status/buildinfo", {})
    assert isinstance(data.get("version"), str) and data["version"]


def assert_bad_data(r: requests.Response) -> None:
    assert r.status_code == 400, describe(r)
    body = r.json()
    assert body.get("status") == "error", body
    assert body.get("errorType") == "bad_data", body
    assert isinstance(body.get("error"), str) and body["error"], body


@pytest.mark.parametrize("promql", ["sum(", "pa_temp{room=}", "rate(pa_temp)", "pa_temp[5x]", "}", ""])
def test_malformed_query_is_bad_data(imported, promql):
    assert_bad_data(query_raw(imported, promql, T_END))


def test_malformed_query_via_post_is_bad_data(imported):
    assert_bad_data(query_raw(imported, "sum(", T_END, method="POST"))


@pytest.mark.parametrize("params", [
    {"query": "pa_temp", "start": "notatime", "end": str(T_END), "step": "15"},
    {"query": "pa_temp", "start": str(T_END), "end": str(T0), "step": "15"},
    {"query": "pa_temp", "start": str(T0), "end": str(T_END), "step": "0"},
    {"query": "pa_temp", "start": str(T0), "end": str(T_END)},
    {"query": "sum(", "start": str(T0), "end": str(T_END), "step": "15"},
])
def test_malformed_range_query_is_bad_data(imported, params):
    assert_bad_data(requests.get(imported + "/api/v1/query_range", params=params, timeout=30))


def test_missing_query_parameter_is_bad_data(imported):
    assert_bad_data(requests.get(imported + "/api/v1/query", timeout=30))


def test_bad_time_parameter_is_bad_data(imported):
    assert_bad_data(requests.get(imported + "/api/v1/query", params={"query": "pa_temp", "time": "yesterday"},
                                 timeout=30))


def test_import_of_malformed_exposition_is_rejected(petrel):
    r = requests.post(petrel.base + "/api/v1/import/prometheus", data=b"pa_bad{x=1} notanumber\n", timeout=30)
    assert r.status_code == 400, describe(r)


def test_import_without_timestamps_uses_now(petrel):
    before = int(time.time() * 1000)
    r = requests.post(petrel.base + "/api/v1/import/prometheus", data=b'pa_now{x="y"} 3.5\n', timeout=30)
    assert r.status_code == 204, describe(r)
    res = wait_until(lambda: wait_samples(petrel.base, "pa_now", None, int(time.time() * 1000) + 1000,
                                          window_s=120, count=1), timeout=10, what="pa_now")
    (t, v), = res[0]["values"]
    assert float(v) == 3.5
    assert before - 1000 <= t_ms(t) <= int(time.time() * 1000) + 1000
