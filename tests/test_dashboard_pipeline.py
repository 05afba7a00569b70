"""The Pipeline view and the Host and Demo built-in dashboards in headless Chromium, against a
Petrel running a real petrel.yaml: the `host` source, the `random_walk` and `demo_weblogs`
generators and a `tsdb` sink, and an `external` source naming the metrics topic that HTTP
ingest writes, read by a `blackhole` sink while a writer posts points. The page shows a node
per component with live events/s, the "Reload config" button applies a changed file and lists
a refused one's problems, the layout puts each kind of node in its column, and the dashboards
draw non-empty canvases from the sources' data. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from dashboard_data import wait_queryable
from test_dashboard_browser import SHOTS, browser, console_errors, open_page, wait_js  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.timeout(300)

CONFIG = """\
sources:
  ingest:
    type: external
    topic: metrics
  walk:
    type: random_walk
    interval: 1s
  weblogs:
    type: demo_weblogs
    rate: 50
    metrics_topic: metrics
    metrics_interval: 1s
  machine:
    type: host
    interval: 1s
sinks:
  count:
    type: blackhole
    inputs: [ingest]
  db:
    type: tsdb
    inputs: [walk, machine]
"""
COMPONENTS = {"ingest": "source", "walk": "source", "weblogs": "source", "machine": "source",
              "count": "sink", "db": "sink"}


class Writer(threading.Thread):
    """Writes a point through /write every 100 ms, so the `count` sink that reads the metrics topic has a live rate."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.stopped = threading.Event()

    def run(self) -> None:
        i = 0
        while not self.stopped.wait(0.1):
            i += 1
            try:
                requests.post(self.base + "/write?precision=ms", data=f"ui_probe value={i} {int(time.time() * 1000)}", timeout=5)
            except requests.RequestException:
                pass


@pytest.fixture(scope="module")
def server(petrel_factory, tmp_path_factory):
    config = tmp_path_factory.mktemp("pipeline-ui") / "petrel.yaml"
    config.write_text(CONFIG)
    s = petrel_factory.start(extra_args=["--config", str(config)])
    s.config_path = config
    writer = Writer(s.base)
    writer.start()
    # The sources write every second; the dashboards need a few points of each series.
    for q in ["ui_probe_value", "random_walk_value", "cpu_usage_idle", "demo_http_requests_count"]:
        wait_queryable(s.base, q, timeout=20)
    yield s
    writer.stopped.set()
    writer.join(timeout=5)


def pipeline_ready(n: int) -> str:
    return f"return window.petrel.pipeline && window.petrel.pipeline.components === {n} && document.querySelectorAll('.pnode').length > 0"


def canvas_report(driver) -> dict:
    """Per panel title: the number of series, the painted pixels of its main canvas, table rows and any error."""
    return driver.execute_script("""
      return Object.fromEntries(window.petrel.panels.map(p => {
        const c = p.body.querySelector('canvas.main');
        let ink = 0;
        if (c && c.width && c.height) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 16) if (d[i] > 0) ink++;
        }
        return [p.panel.title, {series: p.series.length, ink, error: p.error || null,
                                rows: p.body.querySelectorAll('tbody tr').length, text: p.body.textContent.slice(0, 60)}];
      }));""")


def test_the_pipeline_page_shows_every_component_with_live_rates(browser, server):
    open_page(browser, server.base + "/pipeline", pipeline_ready(len(COMPONENTS)), "pipeline-live")
    keys = browser.execute_script("return [...document.querySelectorAll('.pnode')].map(n => n.dataset.key)")
    for cid in COMPONENTS:
        assert f"c:{cid}" in keys, (cid, keys)
    # Topics sit in their own column between the sources and the sink, linked by drawn edges.
    columns = browser.execute_script("return [...document.querySelectorAll('.pcol h2')].map(h => h.textContent)")
    assert columns[0] == "Sources" and columns[-1] == "Sinks" and "Topics" in columns, columns
    assert browser.execute_script("return document.querySelectorAll('.plinks path[marker-end]').length") >= 2
    # Rates come from two snapshots; wait for non-zero events/s out of the generator and into the sink.
    for key, way in [("c:walk", "out"), ("c:machine", "out"), ("c:count", "in")]:
        text = wait_js(browser, f"""const b = document.querySelector('.pnode[data-key="{key}"] [data-rate={way}]');
            return b && !/^0(\\.0+)?\\/s$/.test(b.textContent) && b.textContent""", timeout=15, what=f"a live events/s {way} of {key}")
        assert text.endswith("/s"), text
    polls = browser.execute_script("return window.petrel.pipeline.polls")
    wait_js(browser, f"return window.petrel.pipeline.polls > {polls}", timeout=5, what="the 2 s poll")
    rows = browser.execute_script("return [...document.querySelectorAll('#components tbody tr')].map(r => r.dataset.key)")
    assert sorted(rows) == sorted(f"c:{c}" for c in COMPONENTS)
    # Keyboard: nodes take focus, Enter selects one and marks its row.
    node = browser.find_element("css selector", '.pnode[data-key="c:ingest"]')
    node.send_keys("\ue007")  # Enter
    assert browser.execute_script("return document.querySelector('#components tr.selected')?.dataset.key") == "c:ingest"
    node.send_keys("\ue014")  # ArrowRight moves to the topics column
    assert browser.execute_script("return document.activeElement.dataset.key").startswith("t:")
    browser.save_screenshot(str(SHOTS / "pipeline-selected.png"))
    assert console_errors(browser) == []


def test_the_pipeline_page_stacks_on_a_phone_and_in_dark_theme(browser, server):
    browser.set_window_size(390, 844)
    try:
        open_page(browser, server.base + "/pipeline", pipeline_ready(len(COMPONENTS)), "pipeline-phone")
        browser.find_element("id", "theme").click()
        wait_js(browser, pipeline_ready(len(COMPONENTS)) + " && document.documentElement.dataset.theme === 'dark'", what="dark theme")
        time.sleep(0.3)
        browser.save_screenshot(str(SHOTS / "pipeline-phone-dark.png"))
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400, f"page is {width}px wide on a 390px screen"
        lefts = browser.execute_script("return [...document.querySelectorAll('.pcol')].map(c => Math.round(c.getBoundingClientRect().left))")
        assert len(set(lefts)) == 1, f"columns do not stack: {lefts}"
        browser.find_element("id", "theme").click()
    finally:
        browser.set_window_size(1280, 900)
    assert console_errors(browser) == []


def test_the_host_dashboard_draws_the_host_sources_metrics(browser, server):
    # Rates need two samples inside the window.
    wait_queryable(server.base, "rate(net_bytes_recv[1m])", timeout=20)
    open_page(browser, server.base + "/dashboards/host?from=now-5m&to=now",
              "return window.petrel.dashboardDrawnMs != null", "dashboard-host-data")
    report = canvas_report(browser)
    for title in ["CPU busy", "Memory used", "CPU by mode", "CPU busy per core", "Memory", "Load", "Disk I/O",
                  "Network", "Processes", "Disk used"]:
        r = report[title]
        assert r["error"] is None and r["series"] > 0 and r["ink"] > 50, (title, r)
    for title in ["Uptime", "Processes (total)", "Load (1m)", "Swap used", "Swap used over time"]:
        assert report[title]["series"] > 0, (title, report[title])
    assert report["Disks"]["rows"] > 0, report["Disks"]
    assert report["Disk used by mount"]["series"] > 0, report["Disk used by mount"]
    assert console_errors(browser) == []


def test_the_demo_dashboard_draws_the_generators_metrics(browser, server):
    open_page(browser, server.base + "/dashboards/demo?from=now-5m&to=now",
              "return window.petrel.dashboardDrawnMs != null", "dashboard-demo-data")
    report = canvas_report(browser)
    assert report["Random walk"]["series"] == 10 and report["Random walk"]["ink"] > 50, report["Random walk"]
    assert report["Random walk now"]["rows"] == 10, report["Random walk now"]
    for title in ["Requests/s by status", "Request latency", "Requests/s by method"]:
        r = report[title]
        assert r["error"] is None and r["series"] > 0 and r["ink"] > 50, (title, r)
    assert report["Requests/s (1m)"]["series"] > 0, report["Requests/s (1m)"]
    assert console_errors(browser) == []


def test_the_petrel_dashboard_draws_the_pipeline_component_panels(browser, server):
    # Stand-in for the self-scrape: Petrel's own /metrics (with the petrel_component_* series of
    # the running components) imported three times, a second apart, so rates have two points.
    for _ in range(3):
        text = requests.get(server.base + "/metrics", timeout=5).text
        assert "petrel_component_sent_events_total" in text
        r = requests.post(server.base + "/api/v1/import/prometheus", data=text, timeout=5)
        assert r.status_code in (200, 204), r.text
        time.sleep(1.0)
    wait_queryable(server.base, "petrel_component_sent_events_total")
    open_page(browser, server.base + "/dashboards/petrel?from=now-5m&to=now",
              "return window.petrel.dashboardDrawnMs != null", "dashboard-petrel-pipeline")
    report = canvas_report(browser)
    for title in ["Component events in/s", "Component events out/s", "Component bytes in/out", "Sink consumer lag (records)"]:
        r = report[title]
        assert r["error"] is None and r["series"] > 0 and r["ink"] > 50, (title, r)
    assert report["Components (events sent)"]["rows"] >= len(COMPONENTS), report["Components (events sent)"]


def test_reload_applies_a_changed_file_and_shows_a_refused_ones_problems(browser, server):
    open_page(browser, server.base + "/pipeline", pipeline_ready(len(COMPONENTS)), "pipeline-before-reload")
    try:
        server.config_path.write_text(CONFIG + "  spare:\n    type: blackhole\n    inputs: [ingest]\n")
        browser.find_element("id", "reload").click()
        result = wait_js(browser, "return window.petrel.pipeline.reload", what="the reload answer")
        assert result["ok"], result
        assert "spare" in result["changes"]["started"], result
        report = browser.find_element("id", "reloadResult").text
        assert "Started: spare" in report, report
        wait_js(browser, pipeline_ready(len(COMPONENTS) + 1) + " && document.querySelector('.pnode[data-key=\"c:spare\"]')",
                what="the new sink's node")
        browser.save_screenshot(str(SHOTS / "pipeline-reloaded.png"))

        # A file that does not validate: the answer's problems are listed, the graph stays as it was.
        browser.execute_script("window.petrel.pipeline.reload = null")
        server.config_path.write_text(CONFIG + "  broken:\n    type: no_such_sink\n    inputs: [ingest]\n")
        browser.find_element("id", "reload").click()
        result = wait_js(browser, "return window.petrel.pipeline.reload", what="the refused reload")
        assert not result["ok"], result
        report = browser.find_element("id", "reloadResult").text
        assert "not applied" in report and "no_such_sink" in report, report
        browser.save_screenshot(str(SHOTS / "pipeline-reload-refused.png"))
        time.sleep(2.5)  # one more poll: the running graph is unchanged
        assert browser.execute_script("return window.petrel.pipeline.components") == len(COMPONENTS) + 1
        api = requests.get(server.base + "/api/v1/pipeline", timeout=5).json()["data"]
        assert {c["id"] for c in api["components"]} == set(COMPONENTS) | {"spare"}
    finally:
        server.config_path.write_text(CONFIG)
        requests.post(server.base + "/api/v1/pipeline/reload", timeout=10)
    # The refused reload's 400 is the one console error the page may log.
    assert console_errors(browser, allow=("/api/v1/pipeline/reload",)) == []


def test_the_layout_puts_each_kind_in_its_column_and_orders_by_what_feeds_it(browser, server):
    """The pure layout function, run in the page on a hand-written answer with a transform chain
    (the API's shape, no server state involved)."""
    open_page(browser, server.base + "/pipeline", pipeline_ready(len(COMPONENTS)), "pipeline-layout")
    answer = {
        "components": [
            {"id": "b_src", "kind": "source", "type": "statsd", "inputs": [], "topic": "b_src"},
            {"id": "a_src", "kind": "source", "type": "syslog", "inputs": [], "topic": "a_src"},
            {"id": "parse", "kind": "transform", "type": "remap", "inputs": ["a_src"], "topic": "parsed"},
            {"id": "db", "kind": "sink", "type": "tsdb", "inputs": ["b_src"], "topic": None},
            {"id": "logs", "kind": "sink", "type": "file", "inputs": ["parse"], "topic": None},
        ],
        "topics": [{"name": n, "partitions": 1, "endOffset": 0, "sizeBytes": 0} for n in ["a_src", "b_src", "parsed", "metrics"]],
        "edges": [{"from": "b_src", "to": "db", "topic": "b_src"}, {"from": "a_src", "to": "parse", "topic": "a_src"},
                  {"from": "parse", "to": "logs", "topic": "parsed"}],
    }
    layout = browser.execute_async_script("""const done = arguments[arguments.length - 1];
        import('/static/js/pipelinegraph.js').then(m => {
          const l = m.layoutPipeline(arguments[0]);
          done({columns: l.columns.map(c => [c.title, c.nodes.map(n => n.key)]), links: l.links.map(k => k.from + '>' + k.to)});
        }, e => done({error: String(e)}));""", answer)
    assert layout.get("error") is None, layout
    assert layout["columns"] == [
        ["Sources", ["c:a_src", "c:b_src"]],
        ["Topics", ["t:a_src", "t:b_src", "t:metrics"]],
        ["Transforms", ["c:parse"]],
        ["Topics", ["t:parsed"]],
        # Sinks follow the order of the topics that feed them: logs reads parsed (row 0), db reads b_src.
        ["Sinks", ["c:logs", "c:db"]],
    ], layout["columns"]
    assert sorted(layout["links"]) == sorted(["c:a_src>t:a_src", "c:b_src>t:b_src", "c:parse>t:parsed",
                                              "t:b_src>c:db", "t:a_src>c:parse", "t:parsed>c:logs"])
