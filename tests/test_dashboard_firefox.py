"""The dashboard UI in headless Firefox ESR, driven over WebDriver BiDi (tests/firefox_driver.py;
Debian has no geckodriver). The Chromium tests' bodies (test_dashboard_browser.py) run unchanged
against Firefox, so the assertions are the same: every page loads without console errors or failed
loads, panels draw non-empty canvases from real data, a written point shows up live within 1 s,
Explore runs queries and points at errors, Grafana JSON imports through the UI, template variables
re-query and edits save to a file, and the 100k-point and 20-panel budgets hold. One check goes
further than the Chromium tests: every page, not just a dashboard, at 390 px in the dark theme
without horizontal overflow. Screenshots go to artifacts/screenshots/firefox-*.png, figures to
artifacts/dashboard-bench.json under firefox_* keys."""

from __future__ import annotations

import pytest

import test_dashboard_browser as chromium
from firefox_driver import Firefox
from test_dashboard_browser import console_errors, open_page, record, server, wait_js  # noqa: F401 (server is a fixture)

pytestmark = pytest.mark.timeout(300)

# Every page and the script that is true once it has rendered.
PAGES = [
    ("/dashboards", "return document.querySelectorAll('.list li').length >= 4"),
    ("/dashboards/fixture-node", "return window.petrel.dashboardDrawnMs != null"),
    ("/dashboards/petrel", "return window.petrel.dashboardDrawnMs != null"),
    ("/dashboards/host", "return window.petrel.dashboardDrawnMs != null"),
    ("/dashboards/demo", "return window.petrel.dashboardDrawnMs != null"),
    ("/explore?query=fixture_cpu_usage", "return window.petrel.exploreResult"),
    ("/pipeline", "return window.petrel.pipeline?.polls > 0 || document.querySelector('[role=status]')"),
    ("/broker", "return !document.querySelector('#content').textContent.includes('Loading')"),
]


@pytest.fixture(scope="module")
def firefox():
    chromium.SHOTS.mkdir(parents=True, exist_ok=True)
    # Raises, and so fails the tests, when Firefox is missing or does not start.
    driver = Firefox(width=1280, height=900, screenshot_prefix="firefox-")
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture(autouse=True)
def firefox_figures(monkeypatch):
    """The Chromium bodies record their figures under firefox_* keys, next to Chromium's."""
    monkeypatch.setattr(chromium, "record", lambda name, value: record("firefox_" + name, value))


def in_firefox(chromium_test, then_no_console_errors=False):
    """A Chromium test body `(browser, server)` as a test of its own name here, run with the
    Firefox driver (and the `server` fixture of the module it is collected in)."""
    def test(firefox, server):
        chromium_test(firefox, server)
        if then_no_console_errors:
            assert console_errors(firefox) == []
    test.__name__ = test.__qualname__ = chromium_test.__name__
    test.__doc__ = chromium_test.__doc__
    return test


test_every_page_loads_without_console_errors = in_firefox(chromium.test_every_page_loads_without_console_errors)


def test_every_page_fits_a_phone_in_the_dark_theme(firefox, server):
    firefox.set_window_size(390, 844)
    try:
        open_page(firefox, server.base + "/dashboards", PAGES[0][1], "phone-light")
        firefox.find_element("id", "theme").click()
        wait_js(firefox, "return document.documentElement.dataset.theme === 'dark'", what="dark theme")
        # The theme is kept in localStorage, so every page below loads dark.
        for url, ready in PAGES:
            open_page(firefox, server.base + url, ready, "phone-dark-" + url.split("?")[0].strip("/").replace("/", "-"))
            assert firefox.execute_script("return document.documentElement.dataset.theme") == "dark", url
            width = firefox.execute_script("return document.documentElement.scrollWidth")
            assert width <= 400, f"{url} is {width}px wide on a 390px screen"
            assert console_errors(firefox) == [], f"console errors on {url} at phone width, dark"
    finally:
        firefox.set_window_size(1280, 900)
        firefox.get(server.base + "/dashboards")
        firefox.execute_script("localStorage.setItem('petrel-theme', 'light')")


# The Chromium bodies; those that end without reading the console get that check added.
test_panels_draw_non_empty_canvases_from_real_data = in_firefox(chromium.test_panels_draw_non_empty_canvases_from_real_data, True)
test_a_written_point_appears_in_a_live_panel_within_one_second = in_firefox(
    chromium.test_a_written_point_appears_in_a_live_panel_within_one_second, True)
test_explore_runs_a_query_and_points_at_an_error = in_firefox(chromium.test_explore_runs_a_query_and_points_at_an_error)
test_import_through_the_ui_lists_unsupported_panels = in_firefox(chromium.test_import_through_the_ui_lists_unsupported_panels, True)
# The 100k-point draw (median ≤ 50 ms) and the 20-panel dashboard (≤ 1 s after load), in Firefox.
test_performance_budgets = in_firefox(chromium.test_performance_budgets, True)
test_builtin_petrel_dashboard_draws_petrels_own_metrics = in_firefox(
    chromium.test_builtin_petrel_dashboard_draws_petrels_own_metrics, True)
test_template_variable_change_requeries_and_edits_save_to_a_file = in_firefox(
    chromium.test_template_variable_change_requeries_and_edits_save_to_a_file)
# The panel editor: edit and save, add, remove and duplicate, errors at phone width. (Not the keyboard test:
# Enter or Space pressed over BiDi reaches a focused button as keydown but Firefox does not
# activate it, so that test stays Chromium-only.)
test_panel_editor_edits_title_query_and_unit_and_saves_them_to_the_file = in_firefox(
    chromium.test_panel_editor_edits_title_query_and_unit_and_saves_them_to_the_file)
test_panel_editor_adds_removes_and_duplicates_panels_through_the_file = in_firefox(
    chromium.test_panel_editor_adds_removes_and_duplicates_panels_through_the_file)
test_panel_editor_shows_query_and_save_errors_and_fits_a_dark_phone = in_firefox(
    chromium.test_panel_editor_shows_query_and_save_errors_and_fits_a_dark_phone)
