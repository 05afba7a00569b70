"""Real InfluxDB client libraries write to Petrel; everything reads back through the Prometheus API.

* `influxdb` (the v1 Python client): `/ping`, `/write?db=&precision=`.
* `influxdb-client` (the v2 client): `/api/v2/write?bucket=&org=&precision=` with a token.

Each precision gets its own measurement with six points 10 s apart, carrying a
float, an int, a bool and a string field (strings are not samples).
"""

from __future__ import annotations

import time

import pytest
from influxdb import InfluxDBClient as V1Client
from influxdb.exceptions import InfluxDBClientError
from influxdb_client import InfluxDBClient as V2Client
from influxdb_client import Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS

from harness import describe
from promapi import query_range, strip_ignored, selector, t_ms, wait_samples, write_lp

T0_S = int(time.time()) // 60 * 60 - 3600       # an hour ago, on the minute
STEP_S = 10
N_POINTS = 6
TAGS = {"host": "h1", "region": "eu-west"}

SCALE = {"n": 10**9, "u": 10**6, "ms": 10**3, "s": 1}


def expected_fields(k: int) -> dict:
    return {"f": 1.25 + k, "i": 100 + k, "b": k % 2 == 0, "s": f"text {k}"}


def expected_samples(k: int) -> dict[str, float]:
    """What the k-th point's numeric fields become as samples."""
    fields = expected_fields(k)
    return {"f": fields["f"], "i": float(fields["i"]), "b": 1.0 if fields["b"] else 0.0}


def check_measurement(base: str, measurement: str, tags: dict = TAGS) -> None:
    """All N_POINTS of every numeric field are stored at the right ms timestamps with the right values."""
    end_ms = (T0_S + STEP_S * (N_POINTS - 1)) * 1000
    for field in ("f", "i", "b"):
        name = f"{measurement}_{field}"
        res = wait_samples(base, name, tags, end_ms, window_s=STEP_S * N_POINTS, count=N_POINTS)
        assert len(res) == 1, res
        assert strip_ignored(res[0]["metric"]) == {"__name__": name, **tags}, res[0]["metric"]
        got = [(t_ms(t), float(v)) for t, v in res[0]["values"]]
        want = [((T0_S + STEP_S * k) * 1000, expected_samples(k)[field]) for k in range(N_POINTS)]
        assert got == want, f"{name}: raw samples differ"

        # The same data through query_range, evaluated exactly at the sample times.
        data = query_range(base, selector(name, tags), T0_S, T0_S + STEP_S * (N_POINTS - 1), STEP_S)
        assert data["resultType"] == "matrix"
        assert len(data["result"]) == 1, data
        rng = [(t_ms(t), float(v)) for t, v in data["result"][0]["values"]]
        assert rng == want, f"{name}: query_range values differ"
        assert all(isinstance(v, str) for _, v in data["result"][0]["values"]), "values must be strings"


@pytest.fixture(scope="module")
def v1(petrel):
    port = int(petrel.base.rsplit(":", 1)[1])
    client = V1Client(host="127.0.0.1", port=port, database="clients", timeout=30)
    yield client
    client.close()


def test_v1_client_ping_gets_a_version(v1):
    version = v1.ping()
    assert isinstance(version, str) and version


@pytest.mark.parametrize("precision", ["n", "u", "ms", "s"])
def test_v1_client_points_read_back_exactly(v1, petrel, precision):
    measurement = f"cv1_{precision}"
    points = [{"measurement": measurement, "tags": TAGS, "time": (T0_S + STEP_S * k) * SCALE[precision],
               "fields": expected_fields(k)} for k in range(N_POINTS)]
    assert v1.write_points(points, time_precision=precision, database="clients") is True
    check_measurement(petrel.base, measurement)


def test_v1_client_default_precision_is_nanoseconds(v1, petrel):
    measurement = "cv1_default"
    points = [{"measurement": measurement, "tags": TAGS, "time": (T0_S + STEP_S * k) * 10**9,
               "fields": expected_fields(k)} for k in range(N_POINTS)]
    assert v1.write_points(points) is True
    check_measurement(petrel.base, measurement)


def test_v1_client_sees_a_400_for_a_bad_point(v1):
    with pytest.raises(InfluxDBClientError) as err:
        v1.write_points(["cv1_bad,t=a v=notanumber"], protocol="line")
    assert err.value.code == 400


V2_PRECISIONS = {"ns": WritePrecision.NS, "us": WritePrecision.US, "ms": WritePrecision.MS, "s": WritePrecision.S}
V2_SCALE = {"ns": 10**9, "us": 10**6, "ms": 10**3, "s": 1}


@pytest.mark.parametrize("precision", list(V2_PRECISIONS))
def test_v2_client_points_read_back_exactly(petrel, precision):
    measurement = f"cv2_{precision}"
    wp = V2_PRECISIONS[precision]
    points = []
    for k in range(N_POINTS):
        p = Point(measurement)
        for key, val in TAGS.items():
            p = p.tag(key, val)
        for key, val in expected_fields(k).items():
            p = p.field(key, val)
        points.append(p.time((T0_S + STEP_S * k) * V2_SCALE[precision], wp))
    with V2Client(url=petrel.base, token="test-token", org="test-org", timeout=30_000) as client:
        client.write_api(write_options=SYNCHRONOUS).write(bucket="clients", org="test-org", record=points,
                                                          write_precision=wp)
    check_measurement(petrel.base, measurement)


@pytest.mark.parametrize("path,params", [
    ("/write", {"db": "clients"}),
    ("/api/v2/write", {"bucket": "clients", "org": "test-org"}),
])
def test_mixed_batch_names_the_bad_line_and_keeps_the_good_ones(petrel, path, params):
    m = "mixed_v1" if path == "/write" else "mixed_v2"
    ts = T0_S * 10**9
    body = "\n".join([
        f"{m},t=a v=1 {ts}",
        f"{m},t=b v=2 {ts}",
        f"{m},t=c v=oops {ts}",
        f"{m},t=d v=4 {ts}",
        "",
    ])
    r = write_lp(petrel.base, body, path=path, **params)
    assert r.status_code == 400, describe(r)
    err = r.json()
    assert err.get("code") == "invalid", err
    assert err.get("line") == 3, err
    assert isinstance(err.get("message"), str) and err["message"], err
    assert isinstance(err.get("error"), str) and err["error"], err

    res = wait_samples(petrel.base, f"{m}_v", None, T0_S * 1000 + 1000, window_s=60, count=3)
    got = {s["metric"]["t"]: [(t_ms(t), float(v)) for t, v in s["values"]] for s in res}
    assert got == {"a": [(T0_S * 1000, 1.0)], "b": [(T0_S * 1000, 2.0)], "d": [(T0_S * 1000, 4.0)]}


def test_gzip_body_from_a_client_is_accepted(petrel):
    """The v2 client gzips when asked; the same points must arrive."""
    measurement = "cv2_gzip"
    points = []
    for k in range(N_POINTS):
        p = Point(measurement)
        for key, val in TAGS.items():
            p = p.tag(key, val)
        for key, val in expected_fields(k).items():
            p = p.field(key, val)
        points.append(p.time(T0_S + STEP_S * k, WritePrecision.S))
    with V2Client(url=petrel.base, token="t", org="o", enable_gzip=True, timeout=30_000) as client:
        client.write_api(write_options=SYNCHRONOUS).write(bucket="clients", org="o", record=points,
                                                          write_precision=WritePrecision.S)
    check_measurement(petrel.base, measurement)
