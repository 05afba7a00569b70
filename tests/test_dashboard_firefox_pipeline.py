"""The Pipeline view and the Host, Demo and Petrel built-in dashboards in headless Firefox ESR,
against a Petrel running a real petrel.yaml: the bodies of test_dashboard_pipeline.py (the
Chromium tests) run unchanged against Firefox over WebDriver BiDi (tests/firefox_driver.py).
Screenshots go to artifacts/screenshots/firefox-*.png."""

from __future__ import annotations

import pytest

import test_dashboard_pipeline as chromium
from test_dashboard_firefox import firefox, in_firefox  # noqa: F401 (firefox is a fixture)
from test_dashboard_pipeline import server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.timeout(300)


test_the_pipeline_page_shows_every_component_with_live_rates = in_firefox(
    chromium.test_the_pipeline_page_shows_every_component_with_live_rates)
test_the_pipeline_page_stacks_on_a_phone_and_in_dark_theme = in_firefox(
    chromium.test_the_pipeline_page_stacks_on_a_phone_and_in_dark_theme)
test_the_host_dashboard_draws_the_host_sources_metrics = in_firefox(chromium.test_the_host_dashboard_draws_the_host_sources_metrics)
test_the_demo_dashboard_draws_the_generators_metrics = in_firefox(chromium.test_the_demo_dashboard_draws_the_generators_metrics)
test_the_petrel_dashboard_draws_the_pipeline_component_panels = in_firefox(
    chromium.test_the_petrel_dashboard_draws_the_pipeline_component_panels, True)
test_reload_applies_a_changed_file_and_shows_a_refused_ones_problems = in_firefox(
    chromium.test_reload_applies_a_changed_file_and_shows_a_refused_ones_problems)
test_the_layout_puts_each_kind_in_its_column_and_orders_by_what_feeds_it = in_firefox(
    chromium.test_the_layout_puts_each_kind_in_its_column_and_orders_by_what_feeds_it)
