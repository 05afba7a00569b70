"""The dashboard web UI's HTTP side: assets in the binary, the dashboard store and its
provisioning, Grafana import and the live stream."""

from __future__ import annotations

import gzip
import json
import time

import pytest
import requests

from dashboard_data import FIXTURES, fixture, wait_queryable

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory):
    d = tmp_path_factory.mktemp("provisioned")
    (d / "team.json").write_text(json.dumps({"uid": "team", "title": "Team board", "panels": []}))
    (d / "broken.json").write_text("{ not json")
    (d / "fixture.json").write_text((FIXTURES / "node-overview.json").read_text())
    return d


@pytest.fixture(scope="module")
def server(petrel_factory, provisioned):
    return petrel_factory.start(extra_args=["--dashboards", str(provisioned)])


def test_app_shell_is_served_at_root_and_client_routes(server):
    for path in ["/", "/dashboards", "/dashboards/host", "/explore", "/broker", "/pipeline"]:
        r = requests.get(server.base + path, timeout=5)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert '<script type="module" src="/static/js/main.js">' in r.text


def test_assets_have_types_etags_and_gzip(server):
    r = requests.get(server.base + "/static/js/main.js", headers={"Accept-Encoding": "identity"}, timeout=5)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["cache-control"] == "no-cache"
    etag = r.headers["etag"]
    assert "content-encoding" not in r.headers
    raw = requests.get(server.base + "/static/js/panels.js", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=5)
    assert raw.headers["content-encoding"] == "gzip"
    body = gzip.decompress(raw.raw.read())
    assert b"export function renderPanel" in body
    assert int(raw.headers["content-length"]) < len(body)
    again = requests.get(server.base + "/static/js/main.js", headers={"If-None-Match": etag}, timeout=5)
    assert again.status_code == 304
    assert requests.get(server.base + "/static/app.css", timeout=5).headers["content-type"].startswith("text/css")
    assert requests.get(server.base + "/static/nope.js", timeout=5).status_code == 404


def test_list_has_builtin_provisioned_and_problems(server):
    data = requests.get(server.base + "/api/v1/dashboards", timeout=5).json()["data"]
    by_uid = {d["uid"]: d for d in data["dashboards"]}
    assert {"host", "petrel", "demo"} <= set(by_uid)
    assert by_uid["host"]["source"] == "builtin"
    assert by_uid["team"]["source"] == "provisioned"
    assert by_uid["fixture-node"]["title"] == "Fixture: node overview"
    assert [p["file"].endswith("broken.json") for p in data["problems"]] == [True]
    assert "not valid JSON" in data["problems"][0]["error"]


def test_save_load_delete_round_trip_writes_a_file(server):
    model = {"title": "Mine", "panels": [{"type": "stat", "title": "Up", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
                                          "targets": [{"expr": "up", "refId": "A"}]}], "tags": ["t"]}
    r = requests.put(server.base + "/api/v1/dashboards/mine", json=model, timeout=5)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"uid": "mine", "url": "/dashboards/mine", "replaced": False}
    path = server.data_dir / "dashboards" / "mine.json"
    assert json.loads(path.read_text())["title"] == "Mine"
    got = requests.get(server.base + "/api/v1/dashboards/mine", timeout=5).json()["data"]
    assert got["dashboard"]["panels"][0]["title"] == "Up"
    assert got["dashboard"]["uid"] == "mine"
    assert got["meta"]["source"] == "saved"
    model["title"] = "Mine v2"
    assert requests.put(server.base + "/api/v1/dashboards/mine", json=model, timeout=5).json()["data"]["replaced"] is True
    assert requests.get(server.base + "/api/v1/dashboards/mine", timeout=5).json()["data"]["dashboard"]["title"] == "Mine v2"
    d = requests.delete(server.base + "/api/v1/dashboards/mine", timeout=5)
    assert d.status_code == 200 and d.json()["data"]["deleted"] is True
    assert not path.exists()
    gone = requests.get(server.base + "/api/v1/dashboards/mine", timeout=5)
    assert gone.status_code == 404 and gone.json()["errorType"] == "not_found"


def test_a_saved_dashboard_comes_back_with_every_field_it_was_given(server):
    # The panel editor saves the model it loaded with only edited keys changed, so the API must
    # keep fields it does not know (nested objects, nulls, floats, unicode) as they were.
    model = {"title": "Keep me", "uid": "keep", "x-custom": {"list": [1, 2.5, None, True, "µs"], "empty": {}},
             "panels": [{"id": 7, "type": "timeseries", "title": "p", "pluginVersion": "10.2.0",
                         "targets": [{"refId": "A", "expr": "up", "datasource": {"type": "prometheus", "uid": "x"}}],
                         "fieldConfig": {"defaults": {"unit": "µs", "thresholds": {"mode": "absolute", "steps": [
                             {"color": "green", "value": None}, {"color": "#ff0000", "value": 80.5}]}}, "overrides": []}}],
             "annotations": {"list": []}, "links": [], "graphTooltip": 1}
    sent = model
    for _ in range(2):  # saved, loaded, saved again: unchanged both times
        requests.put(server.base + "/api/v1/dashboards/keep", json=sent, timeout=5).raise_for_status()
        sent = requests.get(server.base + "/api/v1/dashboards/keep", timeout=5).json()["data"]["dashboard"]
        assert sent == model
    assert json.loads((server.data_dir / "dashboards" / "keep.json").read_text()) == model


@pytest.mark.parametrize("uid,body,fragment", [
    ("x", "{ nope", "not valid JSON"),
    ("x", "[1, 2]", "must be a JSON object"),
    ("x", json.dumps({"panels": []}), "\"title\" must be a non-empty string"),
    ("x", json.dumps({"title": "t", "panels": {}}), "\"panels\" must be an array"),
    ("x", json.dumps({"title": "t", "panels": [3]}), "panels[0] must be an object"),
    ("x", json.dumps({"title": "t", "uid": "y"}), "differs from the path"),
    (".hidden", json.dumps({"title": "t"}), "invalid dashboard uid"),
    ("a%20b", json.dumps({"title": "t"}), "invalid dashboard uid"),
])
def test_bad_dashboards_are_refused_with_a_reason(server, uid, body, fragment):
    r = requests.put(f"{server.base}/api/v1/dashboards/{uid}", data=body, timeout=5,
                     headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["status"] == "error" and fragment in r.json()["error"]


def test_provisioned_is_read_only_and_a_saved_copy_shadows_it(server, provisioned):
    r = requests.delete(server.base + "/api/v1/dashboards/team", timeout=5)
    assert r.status_code == 403 and str(provisioned) in r.json()["error"]
    assert requests.put(server.base + "/api/v1/dashboards/team", json={"title": "Team (edited)"}, timeout=5).status_code == 200
    got = requests.get(server.base + "/api/v1/dashboards/team", timeout=5).json()["data"]
    assert got["dashboard"]["title"] == "Team (edited)" and got["meta"]["source"] == "saved"
    requests.delete(server.base + "/api/v1/dashboards/team", timeout=5)
    got = requests.get(server.base + "/api/v1/dashboards/team", timeout=5).json()["data"]
    assert got["meta"]["source"] == "provisioned" and got["dashboard"]["title"] == "Team board"
    # A file dropped into the directory shows up without a restart.
    (provisioned / "late.json").write_text(json.dumps({"title": "Late"}))
    assert requests.get(server.base + "/api/v1/dashboards/late", timeout=5).json()["data"]["dashboard"]["title"] == "Late"


def test_import_grafana_export_reports_unsupported_panels(server):
    doc = fixture("node-overview.json")
    doc["uid"] = "imported-node"
    r = requests.post(server.base + "/api/v1/dashboards/import", json={"dashboard": doc, "overwrite": True}, timeout=5)
    assert r.status_code == 200, r.text
    report = r.json()["data"]
    assert report["uid"] == "imported-node" and report["url"] == "/dashboards/imported-node"
    assert report["panels"] == 12
    assert sorted((u["title"], u["type"]) for u in report["unsupported"]) == [("Syslog", "logs"), ("Traffic share", "piechart")]
    stored = requests.get(server.base + "/api/v1/dashboards/imported-node", timeout=5).json()["data"]["dashboard"]
    titles = [p["title"] for p in stored["panels"]]
    assert titles.index("Details") < titles.index("Memory") < titles.index("Syslog")
    assert "__inputs" not in stored and "id" not in stored
    assert stored["templating"]["list"][1]["query"]["query"] == "label_values(fixture_cpu_usage, host)"


def test_import_without_overwrite_keeps_an_existing_dashboard(server):
    doc = {"uid": "keep-me", "title": "First"}
    assert requests.post(server.base + "/api/v1/dashboards/import", json=doc, timeout=5).status_code == 200
    r = requests.post(server.base + "/api/v1/dashboards/import", json={"dashboard": {**doc, "title": "Second"}, "overwrite": False}, timeout=5)
    assert r.status_code == 412 and r.json()["errorType"] == "exists"
    assert requests.get(server.base + "/api/v1/dashboards/keep-me", timeout=5).json()["data"]["dashboard"]["title"] == "First"
    r = requests.post(server.base + "/api/v1/dashboards/import", json={"dashboard": {**doc, "title": "Second"}, "overwrite": True}, timeout=5)
    assert r.status_code == 200 and r.json()["data"]["replaced"] is True


def test_import_legacy_rows_and_missing_title(server):
    r = requests.post(server.base + "/api/v1/dashboards/import", json=fixture("legacy-rows.json"), timeout=5)
    assert r.status_code == 200, r.text
    panels = requests.get(server.base + "/api/v1/dashboards/fixture-legacy", timeout=5).json()["data"]["dashboard"]["panels"]
    assert [p["gridPos"]["x"] for p in panels if p["type"] != "row"] == [0, 12]
    bad = requests.post(server.base + "/api/v1/dashboards/import", json={"panels": []}, timeout=5)
    assert bad.status_code == 400 and "title" in bad.json()["error"]


def test_live_stream_pushes_a_written_point(server):
    requests.post(server.base + "/write?precision=ms", data=f"live_api value=1 {int(time.time() * 1000)}", timeout=5)
    wait_queryable(server.base, "live_api_value")
    with requests.get(server.base + "/api/v1/live", params={"query": "live_api_value", "interval": "100ms"},
                      stream=True, timeout=5) as stream:
        assert stream.headers["content-type"] == "text/event-stream"
        t0 = time.monotonic()
        requests.post(server.base + "/write?precision=ms", data=f"live_api value=4242 {int(time.time() * 1000)}", timeout=5)
        seen = None
        for line in stream.iter_lines():
            if line.startswith(b"data: "):
                msg = json.loads(line[6:])
                values = [r["value"][1] for r in msg["results"][0]["data"]["result"]]
                if "4242" in values:
                    seen = time.monotonic() - t0
                    break
            assert time.monotonic() - t0 < 5, "no live event with the new value within 5 s"
    assert seen is not None and seen < 1.0


def test_live_streams_are_bounded_and_a_closed_one_frees_its_slot(server):
    url = server.base + "/api/v1/live"
    params = {"query": "live_api_value", "interval": "200ms"}
    streams = []
    try:
        # Streams closed by earlier tests free their slots when the server next writes to them.
        deadline = time.monotonic() + 5
        while len(streams) < 32:
            s = requests.get(url, params=params, stream=True, timeout=5)
            if s.status_code == 200:
                streams.append(s)
            else:
                s.close()
                assert time.monotonic() < deadline, f"only {len(streams)} of 32 live streams could be opened"
                time.sleep(0.1)
        over = requests.get(url, params=params, timeout=5)
        assert over.status_code == 503 and "too many live streams" in over.json()["error"]
        streams.pop().close()
        deadline = time.monotonic() + 5
        while True:
            again = requests.get(url, params=params, stream=True, timeout=5)
            if again.status_code == 200:
                again.close()
                break
            again.close()
            assert time.monotonic() < deadline, "the closed stream's slot was not released within 5 s"
            time.sleep(0.1)
    finally:
        for s in streams:
            s.close()


def test_live_stream_refuses_bad_queries(server):
    r = requests.get(server.base + "/api/v1/live", params={"query": "sum(("}, timeout=5)
    assert r.status_code == 400 and "parse error" in r.json()["error"]
    assert requests.get(server.base + "/api/v1/live", timeout=5).status_code == 400
    r = requests.get(server.base + "/api/v1/live", params={"query": "up", "interval": "1ms"}, timeout=5)
    assert r.status_code == 400 and "interval" in r.json()["error"]
