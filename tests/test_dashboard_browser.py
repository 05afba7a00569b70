"""The dashboard UI in headless Chromium (Selenium): every page loads without console
errors, panels draw from real data, a written point shows up live within 1 s, Explore
runs queries and points at errors, Grafana JSON imports through the UI, and the two
performance budgets hold. Screenshots go to artifacts/screenshots/, figures to
artifacts/dashboard-bench.json."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
import requests

from dashboard_data import FIXTURES, fixture, wait_queryable, write_fixture_metrics

pytestmark = pytest.mark.timeout(300)
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.fail("chromium and chromedriver are required: run scripts/install-test-deps.sh", pytrace=False)
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def server(petrel_factory):
    s = petrel_factory.start()
    write_fixture_metrics(s.base)
    wait_queryable(s.base, "fixture_cpu_usage")
    r = requests.post(s.base + "/api/v1/dashboards/import", json=fixture("node-overview.json"), timeout=5)
    assert r.status_code == 200, r.text
    return s


def wait_js(driver, script, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def console_errors(driver, allow=()):
    """The page's SEVERE console messages, except those containing an `allow` string. Leaves the
    page first (for about:blank), because Chromium may deliver a page's messages late."""
    driver.get("about:blank")
    logs = driver.get_log("browser")
    return [e["message"] for e in logs if e["level"] == "SEVERE" and not any(a in e["message"] for a in allow)]


def open_page(driver, url, ready_script, name):
    """Loads `url` after draining the console, so messages of the previous page are not counted."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get(url)
    wait_js(driver, ready_script, what=f"{name} to render")
    time.sleep(0.3)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_every_page_loads_without_console_errors(browser, server):
    pages = [
        ("/dashboards", "return document.querySelectorAll('.list li').length >= 4", "dashboards", ()),
        ("/dashboards/fixture-node", "return window.petrel.dashboardDrawnMs != null", "dashboard-fixture", ()),
        ("/dashboards/petrel", "return window.petrel.dashboardDrawnMs != null", "dashboard-petrel", ()),
        ("/dashboards/host", "return window.petrel.dashboardDrawnMs != null", "dashboard-host", ()),
        ("/dashboards/demo", "return window.petrel.dashboardDrawnMs != null", "dashboard-demo", ()),
        ("/explore?query=fixture_cpu_usage", "return window.petrel.exploreResult", "explore", ()),
        ("/pipeline", "return window.petrel.pipeline?.polls > 0", "pipeline", ()),
        # The Broker view lists the topic store's topics, the metrics topic among them.
        ("/broker", "return [...document.querySelectorAll('#content td')].some(td => td.textContent === 'metrics')",
         "broker", ()),
    ]
    browser.get_log("browser")
    for url, ready, name, allow in pages:
        open_page(browser, server.base + url, ready, name)
        assert console_errors(browser, allow) == [], f"console errors on {url}"
    # Dark theme and a phone-width screen render too.
    browser.set_window_size(390, 844)
    open_page(browser, server.base + "/dashboards/fixture-node", "return window.petrel.dashboardDrawnMs != null", "dashboard-phone")
    browser.find_element("id", "theme").click()
    wait_js(browser, "return document.documentElement.dataset.theme === 'dark' && window.petrel.dashboardDrawnMs != null", what="dark theme")
    time.sleep(0.3)
    browser.save_screenshot(str(SHOTS / "dashboard-phone-dark.png"))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px screen"
    overlaps = browser.execute_script("""
      const r = [...document.querySelectorAll('.grid .panel')].map(e => e.getBoundingClientRect());
      return r.slice(1).filter((b, i) => b.top < r[i].bottom - 1).length;""")
    assert overlaps == 0, "panels overlap at phone width"
    browser.find_element("id", "theme").click()
    browser.set_window_size(1280, 900)
    assert console_errors(browser) == []


def test_panels_draw_non_empty_canvases_from_real_data(browser, server):
    open_page(browser, server.base + "/dashboards/fixture-node?from=now-30m&to=now",
              "return window.petrel.dashboardDrawnMs != null", "dashboard-fixture-data")
    report = browser.execute_script("""
      return window.petrel.panels.map(p => {
        const c = p.body.querySelector('canvas.main');
        let ink = 0;
        if (c && c.width && c.height) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 16) if (d[i] > 0) ink++;
        }
        return {title: p.panel.title, type: p.panel.type, series: p.series.length, ink, error: p.error || null,
                table: p.body.querySelectorAll('tbody tr').length, text: p.body.textContent.slice(0, 80)};
      });""")
    by_title = {r["title"]: r for r in report}
    for title in ["CPU busy", "Memory used", "CPU by host", "Hosts up (legacy singlestat)", "CPU ($mode)",
                  "Network (legacy graph)", "Request latency", "Memory"]:
        r = by_title[title]
        assert r["error"] is None and r["series"] > 0 and r["ink"] > 50, r
    assert by_title["Memory by host"]["table"] == 2
    assert "Unsupported panel type \"piechart\"" in by_title["Traffic share"]["text"]
    assert "Fixture dashboard" in by_title["Notes"]["text"]
    listed = browser.find_element("css selector", ".unsupported-list").text
    assert "Traffic share" in listed and "Syslog" in listed
    # Thresholds colour stats: two hosts up reaches the singlestat's second threshold ("1,2" → red).
    color = browser.execute_script("return getComputedStyle(window.petrel.panels.find(p => p.panel.title === 'Hosts up (legacy singlestat)').body.querySelector('.stat')).color")
    assert color == "rgb(242, 73, 92)", color
    # Keyboard: the chart takes focus and the arrow keys move the crosshair and its value tooltip.
    chart = browser.execute_script("return window.petrel.panels.find(p => p.panel.title === 'CPU ($mode)').body.querySelector('canvas.overlay')")
    chart.send_keys("\ue012")  # ArrowLeft
    tip = browser.execute_script("const t = window.petrel.panels.find(p => p.panel.title === 'CPU ($mode)').body.querySelector('.tooltip'); return t.hidden ? null : t.textContent")
    assert tip and "a:" in tip and "%" in tip, tip
    # Units: the CPU stat shows percent with one decimal.
    assert browser.execute_script("return window.petrel.panels.find(p => p.panel.title === 'CPU busy').body.querySelector('.stat').textContent").endswith("%")


def test_a_written_point_appears_in_a_live_panel_within_one_second(browser, server):
    model = {"title": "Live probe", "panels": [{"type": "timeseries", "title": "probe", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8},
                                                "targets": [{"refId": "A", "expr": "live_probe_value"}]}]}
    requests.put(server.base + "/api/v1/dashboards/live-probe", json=model, timeout=5).raise_for_status()
    requests.post(server.base + "/write?precision=ms", data=f"live_probe value=1 {int(time.time() * 1000)}", timeout=5)
    wait_queryable(server.base, "live_probe_value")
    open_page(browser, server.base + "/dashboards/live-probe?from=now-5m&to=now&live=1",
              "return window.petrel.lastLiveDraw", "dashboard-live")
    delays = []
    for i in range(5):
        value = 1000 + i + 0.5
        t0 = time.monotonic()
        requests.post(server.base + "/write?precision=ms", data=f"live_probe value={value} {int(time.time() * 1000)}", timeout=5)
        wait_js(browser, f"""const p = window.petrel.panels[0];
            return p.drawn && p.series.some(s => s.vs[s.vs.length - 1] === {value}) && window.petrel.lastLiveDraw""",
                timeout=5, what=f"live value {value}")
        delays.append(time.monotonic() - t0)
        time.sleep(0.3)
    browser.save_screenshot(str(SHOTS / "dashboard-live-after.png"))
    record("live_write_to_screen_s", {"median": sorted(delays)[2], "max": max(delays), "all": delays})
    assert max(delays) <= 1.0, delays


def test_explore_runs_a_query_and_points_at_an_error(browser, server):
    open_page(browser, server.base + "/explore", "return document.querySelector('#q')", "explore-empty")
    q = browser.find_element("id", "q")
    q.send_keys("fixture_cp")
    wait_js(browser, "return [...document.querySelectorAll('#suggest li')].some(li => li.textContent === 'fixture_cpu_usage')",
            what="metric name completion")
    q.send_keys("\t")
    assert q.get_attribute("value") == "fixture_cpu_usage"
    q.send_keys("{")
    wait_js(browser, "return [...document.querySelectorAll('#suggest li')].some(li => li.textContent === 'host')", what="label completion")
    q.send_keys('host="')
    wait_js(browser, "return [...document.querySelectorAll('#suggest li')].map(li => li.textContent).join() === 'a,b'", what="value completion")
    q.send_keys("a\"}")
    browser.find_element("id", "run").click()
    result = wait_js(browser, "return window.petrel.exploreResult", what="explore result")
    assert result == {"series": 1, "rows": 1}
    browser.save_screenshot(str(SHOTS / "explore-result.png"))
    browser.execute_script("window.petrel.exploreResult = null")
    q.clear()
    q.send_keys("sum(rate(fixture_cpu_usage[5m]) by (host)")
    browser.find_element("id", "run").click()
    result = wait_js(browser, "return window.petrel.exploreResult", what="explore error")
    assert "parse error" in result["error"]
    assert "^" in browser.find_element("id", "caret").text
    browser.save_screenshot(str(SHOTS / "explore-error.png"))
    assert console_errors(browser, allow=("/api/v1/query",)) == []


def test_import_through_the_ui_lists_unsupported_panels(browser, server):
    open_page(browser, server.base + "/dashboards", "return document.querySelector('#import')", "import-before")
    doc = fixture("node-overview.json")
    doc["uid"] = "ui-import"
    browser.execute_script("document.querySelector('#json').value = arguments[0]", json.dumps(doc))
    browser.find_element("id", "import").click()
    text = wait_js(browser, "return document.querySelector('#report .report')?.textContent", what="import report")
    assert "Traffic share (piechart)" in text and "Syslog (logs)" in text
    browser.save_screenshot(str(SHOTS / "import-report.png"))
    browser.find_element("css selector", "#report a").click()
    wait_js(browser, "return window.petrel.dashboardDrawnMs != null", what="imported dashboard")
    assert "/dashboards/ui-import" in browser.current_url


def test_performance_budgets(browser, server):
    open_page(browser, server.base + "/dashboards", "return window.petrel", "bench-start")
    bench = browser.execute_script("return window.petrel.benchTimeSeries(100000, 9)")
    record("timeseries_100k_draw_ms", bench)
    assert bench["medianMs"] <= 50, bench
    panels = [{"type": ["timeseries", "stat", "gauge", "bargauge"][i % 4], "title": f"p{i}",
               "gridPos": {"x": (i % 4) * 6, "y": (i // 4) * 6, "w": 6, "h": 6},
               "targets": [{"refId": "A", "expr": "fixture_cpu_usage" if i % 2 else "fixture_mem_used"}]} for i in range(20)]
    requests.put(server.base + "/api/v1/dashboards/twenty", json={"title": "Twenty", "panels": panels}, timeout=5).raise_for_status()
    times = []
    for _ in range(3):
        browser.get(server.base + "/dashboards/twenty?from=now-30m&to=now")
        wait_js(browser, "return window.petrel.dashboardDrawnMs != null", what="20 panels drawn")
        # From navigation start (the page request) to every panel drawn.
        times.append(browser.execute_script("return window.petrel.dashboardDrawnMs"))
    browser.save_screenshot(str(SHOTS / "dashboard-twenty.png"))
    record("dashboard_20_panels_drawn_ms", {"median": sorted(times)[1], "all": times})
    assert sorted(times)[1] <= 1000, times


def record(name, value):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "dashboard-bench.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = value
    path.write_text(json.dumps(data, indent=2))
    print(f"{name}: {value}")


def test_builtin_petrel_dashboard_draws_petrels_own_metrics(browser, server):
    # Stand-in for the self-scrape the pipeline will add: Petrel's /metrics imported into its TSDB.
    for _ in range(3):
        text = requests.get(server.base + "/metrics", timeout=5).text
        r = requests.post(server.base + "/api/v1/import/prometheus", data=text, timeout=5)
        assert r.status_code in (200, 204), r.text
        time.sleep(1.0)
    wait_queryable(server.base, "petrel_tsdb_series")
    open_page(browser, server.base + "/dashboards/petrel?from=now-5m&to=now",
              "return window.petrel.dashboardDrawnMs != null", "dashboard-petrel-data")
    report = browser.execute_script(
        "return Object.fromEntries(window.petrel.panels.map(p => [p.panel.title, p.series.length]))")
    for title in ["TSDB series", "TSDB on disk", "Ingest lines/s", "Ingest", "Topic throughput", "Topic size",
                  "Consumer lag (records)", "TSDB head", "HTTP requests by route"]:
        assert report[title] > 0, (title, report)


def test_template_variable_change_requeries_and_edits_save_to_a_file(browser, server):
    open_page(browser, server.base + "/dashboards/fixture-node?from=now-30m&to=now",
              "return window.petrel.dashboardDrawnMs != null", "variables-before")
    count = "return window.petrel.panels.find(p => p.panel.title === 'CPU ($mode)').series.length"
    assert browser.execute_script(count) == 2
    browser.execute_script("""const s = document.querySelector('select[aria-label="Variable host"]');
        for (const o of s.options) o.selected = o.value === 'b';
        s.dispatchEvent(new Event('change'));""")
    wait_js(browser, count.replace("return ", "return 1 === "), what="the CPU panel to show host b only")
    assert "var-host=b" in browser.current_url
    browser.save_screenshot(str(SHOTS / "variables-after.png"))
    # Edit JSON in the UI and save: the dashboard becomes a file in the data dir.
    browser.find_element("id", "edit").click()
    browser.execute_script("""const t = document.querySelector('#editor textarea');
        const m = JSON.parse(t.value); m.title = 'Edited in the UI'; t.value = JSON.stringify(m);""")
    browser.find_element("id", "save").click()
    wait_js(browser, "return document.querySelector('h1')?.textContent === 'Edited in the UI'", what="the saved title")
    saved = json.loads((server.data_dir / "dashboards" / "fixture-node.json").read_text())
    assert saved["title"] == "Edited in the UI" and saved["uid"] == "fixture-node"
    assert console_errors(browser) == []


# The panel editor. Each test edits its own dashboard, which carries fields the editor does not
# know (top level, panel, target, fieldConfig) that must survive every save.
def editable_dashboard(server, uid):
    model = {
        "title": f"Editable {uid}", "x-team-notes": {"keep": [1, "two", None]}, "schemaVersion": 39,
        "panels": [
            {"id": 1, "type": "timeseries", "title": "Memory", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "pluginVersion": "10.2.0", "transparent": False,
             "targets": [{"refId": "A", "expr": "fixture_mem_used", "datasource": {"type": "prometheus", "uid": "prom1"}, "interval": ""}],
             "fieldConfig": {"defaults": {"unit": "bytes", "custom": {"unknownOption": 7}}, "overrides": [{"matcher": {"id": "byName"}}]}},
            {"id": 2, "type": "stat", "title": "Hosts up", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
             "targets": [{"refId": "A", "expr": "count(fixture_up)"}]},
        ],
    }
    requests.put(f"{server.base}/api/v1/dashboards/{uid}", json=model, timeout=5).raise_for_status()
    return model


def saved_dashboard(server, uid):
    return requests.get(f"{server.base}/api/v1/dashboards/{uid}", timeout=5).json()["data"]["dashboard"]


def open_dashboard(browser, server, uid, name):
    open_page(browser, f"{server.base}/dashboards/{uid}?from=now-30m&to=now", "return window.petrel.dashboardDrawnMs != null", name)


def open_editor(browser, title):
    """Clicks the Edit control of the panel titled `title` and waits for the editor's first preview."""
    browser.execute_script("window.petrel.panelEditor = null")
    button = browser.execute_script("return window.petrel.panels.find(p => p.panel.title === arguments[0]).el.querySelector('.panel-edit')", title)
    button.click()
    wait_js(browser, "return document.querySelector('dialog.paneledit[open]') && window.petrel.panelEditor", what="the panel editor")


def panel_ink(browser, title):
    """Painted pixels in the main canvas of the panel titled `title` (every 4th pixel)."""
    return browser.execute_script("""
      const p = window.petrel.panels.find(p => p.panel.title === arguments[0]);
      const c = p && p.body.querySelector('canvas.main');
      if (!c || !c.width) return 0;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0; for (let i = 3; i < d.length; i += 16) if (d[i] > 0) ink++;
      return ink;""", title)


def test_panel_editor_edits_title_query_and_unit_and_saves_them_to_the_file(browser, server):
    model = editable_dashboard(server, "edit-panel")
    open_dashboard(browser, server, "edit-panel", "panel-editor-before")
    open_editor(browser, "Memory")
    title = browser.find_element("css selector", "dialog.paneledit input[name=title]")
    assert title.get_attribute("value") == "Memory"
    title.clear()
    title.send_keys("CPU usage")
    expr = browser.find_element("css selector", "dialog.paneledit .pe-expr")
    expr.clear()
    expr.send_keys("fixture_cpu_usage")
    browser.execute_script("""const s = document.querySelector('dialog.paneledit select[name=unit]');
        s.value = 'percent'; s.dispatchEvent(new Event('change', {bubbles: true}));""")
    # The live preview queries the edited expression: two hosts, drawn.
    wait_js(browser, "const e = window.petrel.panelEditor; return e && e.queries[0] === 'fixture_cpu_usage' && e.series === 2 && !e.error",
            what="the preview of the new query")
    browser.save_screenshot(str(SHOTS / "panel-editor.png"))
    browser.find_element("css selector", "dialog.paneledit .pe-save").click()
    wait_js(browser, "return !document.querySelector('dialog.paneledit') && window.petrel.dashboardDrawnMs != null", what="the save")
    saved = saved_dashboard(server, "edit-panel")
    panel = saved["panels"][0]
    assert panel["title"] == "CPU usage"
    assert panel["targets"] == [{"refId": "A", "expr": "fixture_cpu_usage", "datasource": {"type": "prometheus", "uid": "prom1"}, "interval": ""}]
    assert panel["fieldConfig"] == {"defaults": {"unit": "percent", "custom": {"unknownOption": 7}}, "overrides": [{"matcher": {"id": "byName"}}]}
    assert panel["pluginVersion"] == "10.2.0" and panel["transparent"] is False and panel["gridPos"] == {"x": 0, "y": 0, "w": 12, "h": 8}
    assert saved["x-team-notes"] == {"keep": [1, "two", None]} and saved["schemaVersion"] == 39
    assert saved["panels"][1] == model["panels"][1]
    # After a reload the panel has the new title and draws the new query in the new unit.
    open_dashboard(browser, server, "edit-panel", "panel-editor-after")
    state = browser.execute_script("""const p = window.petrel.panels[0];
        return {title: p.el.querySelector('h2').textContent, series: p.series.length, error: p.error || null,
                names: p.series.map(s => s.metric.__name__)};""")
    assert state == {"title": "CPU usage", "series": 2, "error": None, "names": ["fixture_cpu_usage"] * 2}, state
    assert panel_ink(browser, "CPU usage") > 50
    assert console_errors(browser) == []


def test_panel_editor_adds_removes_and_duplicates_panels_through_the_file(browser, server):
    editable_dashboard(server, "add-remove")
    open_dashboard(browser, server, "add-remove", "panel-add-before")
    browser.find_element("id", "addpanel").click()
    wait_js(browser, "return document.querySelector('dialog.paneledit[open]') && window.petrel.panelEditor", what="the editor of a new panel")
    assert browser.find_element("css selector", "dialog.paneledit input[name=title]").get_attribute("value") == "New panel"
    title = browser.find_element("css selector", "dialog.paneledit input[name=title]")
    title.clear()
    title.send_keys("Added")
    browser.find_element("css selector", "dialog.paneledit .pe-expr").send_keys("fixture_mem_used")
    browser.find_element("css selector", "dialog.paneledit .pe-apply").click()
    wait_js(browser, "return window.petrel.panels.length === 3 && window.petrel.dashboardDrawnMs != null", what="the added panel")
    assert browser.execute_script("return document.querySelector('#unsaved').offsetParent !== null"), "Save dashboard is not shown"
    # Remove the stat, confirming in the editor.
    open_editor(browser, "Hosts up")
    browser.find_element("css selector", "dialog.paneledit .pe-remove").click()
    assert browser.execute_script("return document.querySelector('dialog.paneledit .pe-confirm').hidden") is False
    browser.find_element("css selector", "dialog.paneledit .pe-remove-yes").click()
    wait_js(browser, "return window.petrel.panels.length === 2 && !document.querySelector('dialog.paneledit')", what="the removal")
    # Duplicate the first panel: the copy goes below the last one.
    open_editor(browser, "Memory")
    browser.find_element("css selector", "dialog.paneledit .pe-duplicate").click()
    wait_js(browser, "return window.petrel.panels.length === 3 && !document.querySelector('dialog.paneledit')", what="the copy")
    # Nothing is written until Save dashboard.
    assert [p["title"] for p in saved_dashboard(server, "add-remove")["panels"]] == ["Memory", "Hosts up"]
    browser.find_element("id", "savedash").click()
    wait_js(browser, "return document.querySelector('#unsaved').offsetParent === null", what="the save")
    saved = saved_dashboard(server, "add-remove")
    assert [p["title"] for p in saved["panels"]] == ["Memory", "Added", "Memory"]
    added = saved["panels"][1]
    assert added["type"] == "timeseries" and added["id"] == 3
    assert added["gridPos"] == {"x": 0, "y": 8, "w": 12, "h": 8}
    assert added["targets"] == [{"refId": "A", "expr": "fixture_mem_used"}]
    copy = saved["panels"][2]
    assert copy == {**saved["panels"][0], "id": 4, "gridPos": {"x": 0, "y": 16, "w": 12, "h": 8}}
    assert saved["x-team-notes"] == {"keep": [1, "two", None]}
    assert saved["panels"][0]["fieldConfig"]["defaults"]["custom"] == {"unknownOption": 7}
    open_dashboard(browser, server, "add-remove", "panel-add-after")
    assert browser.execute_script("return window.petrel.panels.map(p => p.panel.title)") == ["Memory", "Added", "Memory"]
    assert browser.execute_script("return window.petrel.panels[1].series.length") == 2
    assert console_errors(browser) == []


def test_panel_editor_is_operable_from_the_keyboard(browser, server):
    editable_dashboard(server, "keyboard")
    open_dashboard(browser, server, "keyboard", "panel-keyboard")
    edit = browser.execute_script("return window.petrel.panels[0].el.querySelector('.panel-edit')")
    edit.send_keys("\n")
    wait_js(browser, "return document.querySelector('dialog.paneledit[open]')", what="the editor opened with Enter")
    assert browser.execute_script("return document.activeElement.name") == "title"
    # Escape discards the edit and gives focus back to the Edit button.
    browser.find_element("css selector", "dialog.paneledit input[name=title]").send_keys("X\ue00c")
    wait_js(browser, "return !document.querySelector('dialog.paneledit')", what="Escape to close the editor")
    assert browser.execute_script("return document.activeElement === window.petrel.panels[0].el.querySelector('.panel-edit')")
    assert browser.execute_script("return window.petrel.panels[0].el.querySelector('h2').textContent") == "Memory"
    # Reopen, type a title, Tab through every control to Apply and press Enter.
    browser.execute_script("return document.activeElement").send_keys("\n")
    wait_js(browser, "return document.querySelector('dialog.paneledit[open]')", what="the editor opened again")
    browser.execute_script("return document.activeElement").send_keys(" by keyboard")
    seen = []
    for _ in range(80):
        browser.execute_script("return document.activeElement").send_keys("\t")
        seen.append(browser.execute_script("const e = document.activeElement; return e.name || e.className || e.tagName"))
        if seen[-1] == "pe-apply":
            break
    assert seen[-1] == "pe-apply", seen
    for control in ["type", "pe-expr", "pe-legend", "pe-add-target", "unit", "min", "max", "pe-color", "pe-add-step", "stacking", "fillOpacity"]:
        assert any(control in s for s in seen), (control, seen)
    browser.execute_script("return document.activeElement").send_keys("\n")
    wait_js(browser, "return window.petrel.panels[0]?.el.querySelector('h2').textContent === 'Memory by keyboard'", what="the applied title")
    assert browser.execute_script("return document.activeElement.classList.contains('panel-edit')")
    assert console_errors(browser) == []


def test_panel_editor_shows_query_and_save_errors_and_fits_a_dark_phone(browser, server):
    editable_dashboard(server, "errors")
    browser.set_window_size(390, 844)
    try:
        open_dashboard(browser, server, "errors", "panel-editor-phone-before")
        browser.execute_script("window.petrel.dashboardDrawnMs = null")
        browser.find_element("id", "theme").click()
        wait_js(browser, "return document.documentElement.dataset.theme === 'dark' && window.petrel.dashboardDrawnMs != null", what="dark theme")
        open_editor(browser, "Memory")
        size = browser.execute_script("const d = document.querySelector('dialog.paneledit'); return [d.getBoundingClientRect().right, d.scrollWidth, d.clientWidth]")
        assert size[0] <= 390 and size[1] <= size[2], size
        expr = browser.find_element("css selector", "dialog.paneledit .pe-expr")
        expr.clear()
        expr.send_keys("sum(rate(fixture_cpu_usage[5m])")
        wait_js(browser, "return window.petrel.panelEditor?.error", what="the preview's query error")
        shown = browser.find_element("css selector", "dialog.paneledit .pe-error").text
        assert "Query error" in shown and "parse error" in shown, shown
        browser.save_screenshot(str(SHOTS / "panel-editor-phone-dark-error.png"))
        # A failed save (the PUT answered with a server error, stubbed in the page) is shown in
        # the editor, which stays open with the edit.
        browser.execute_script("""window.__fetch = window.fetch;
            window.fetch = (url, init) => init?.method === 'PUT' ? Promise.resolve(new Response(JSON.stringify({status: 'error', errorType: 'internal', error: 'disk full'}), {status: 500})) : window.__fetch(url, init);""")
        browser.find_element("css selector", "dialog.paneledit .pe-save").click()
        wait_js(browser, "return document.querySelector('dialog.paneledit .pe-error')?.textContent.includes('Not saved')", what="the save error")
        assert "disk full" in browser.find_element("css selector", "dialog.paneledit .pe-error").text
        assert browser.execute_script("return !!document.querySelector('dialog.paneledit[open]')")
        browser.execute_script("window.fetch = window.__fetch")
        browser.find_element("css selector", "dialog.paneledit .pe-cancel").click()
        wait_js(browser, "return !document.querySelector('dialog.paneledit')", what="Cancel")
        assert saved_dashboard(server, "errors")["panels"][0]["targets"][0]["expr"] == "fixture_mem_used"
    finally:
        browser.execute_script("localStorage.setItem('petrel-theme', 'light')")
        browser.set_window_size(1280, 900)
    assert console_errors(browser, allow=("/api/v1/query_range",)) == []
