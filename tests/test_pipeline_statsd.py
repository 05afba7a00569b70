"""The `statsd` source: the Python `statsd` client and raw DogStatsD packets
over UDP and TCP → tsdb; values compared through PromQL after a flush.

Counters are read with `sum_over_time` so a burst that straddles a flush still
adds up; timings and sets are sent as one datagram so one flush sees them all;
gauges are kept between flushes (`delete_gauges: false`) so deltas apply to
the level whatever flush they land in.
"""

from __future__ import annotations

import socket
import time

import pytest
import requests
import statsd

from harness import free_port, wait_until
from promapi import query


def free_udp_and_tcp_port() -> int:
    for _ in range(50):
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            try:
                u.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no port free for both UDP and TCP")


@pytest.fixture(scope="module")
def server(petrel_factory, tmp_path_factory):
    port = free_udp_and_tcp_port()
    config = tmp_path_factory.mktemp("statsd") / "petrel.yaml"
    config.write_text(
        "sources:\n"
        "  app:\n"
        "    type: statsd\n"
        f"    address: 127.0.0.1:{port}\n"
        "    protocol: both\n"
        "    flush_interval: 500ms\n"
        "    delete_gauges: false\n"
        "    percentiles: [50, 90, 99]\n"
        "sinks:\n"
        "  db:\n"
        "    type: tsdb\n"
        "    inputs: [app]\n")
    petrel = petrel_factory.start(extra_args=["--config", str(config)])

    # /ready can come before the pipeline has bound its sockets: probe until a packet is counted.
    def listening():
        send_udp(port, "e2e.probe:1|c")
        return component_counter(petrel.base, "petrel_component_received_events_total", "app") > 0
    wait_until(listening, timeout=20, interval=0.2, what="statsd source listening")
    return petrel, port


def send_udp(port: int, payload: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(payload.encode(), ("127.0.0.1", port))


def value_of(base: str, promql: str, expected=None, timeout: float = 20) -> float:
    """Polls `promql` (bounded) until it has one result (equal to `expected` when given)."""
    def check():
        result = query(base, promql)["result"]
        if len(result) != 1:
            return None
        v = float(result[0]["value"][1])
        return (v,) if expected is None or abs(v - expected) < 1e-9 else None
    try:
        return wait_until(check, timeout=timeout, interval=0.2, what=promql)[0]
    except TimeoutError:
        got = query(base, promql)["result"]
        raise AssertionError(f"{promql}: expected {expected}, got {got}")


def component_counter(base: str, name: str, component: str) -> float:
    text = requests.get(base + "/metrics", timeout=10).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and f'component_id="{component}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_counters_from_the_client_add_up(server):
    petrel, port = server
    client = statsd.StatsClient("127.0.0.1", port)
    for _ in range(10):
        client.incr("e2e.clicks")
    client.incr("e2e.clicks", 5)
    value_of(petrel.base, "sum_over_time(e2e_clicks_value[5m])", expected=15)
    [labels] = [r["metric"] for r in query(petrel.base, "e2e_clicks_value")["result"]]
    assert labels["metric_type"] == "counter"


def test_sample_rates_scale_counters(server):
    petrel, port = server
    send_udp(port, "e2e.sampled:1|c|@0.1\ne2e.sampled:2|c|@0.5")
    value_of(petrel.base, "sum_over_time(e2e_sampled_value[5m])", expected=14)


def test_gauges_take_levels_and_signed_changes(server):
    petrel, port = server
    client = statsd.StatsClient("127.0.0.1", port)
    client.gauge("e2e.level", 40)
    value_of(petrel.base, "e2e_level_value", expected=40)
    client.gauge("e2e.level", 5, delta=True)
    client.gauge("e2e.level", -15, delta=True)
    value_of(petrel.base, "e2e_level_value", expected=30)


def test_timing_percentiles(server):
    petrel, port = server
    send_udp(port, "\n".join(f"e2e.latency:{v}|ms" for v in range(1, 101)))
    base = petrel.base
    assert value_of(base, "e2e_latency_count", expected=100)
    assert value_of(base, "e2e_latency_lower", expected=1)
    assert value_of(base, "e2e_latency_upper", expected=100)
    assert value_of(base, "e2e_latency_mean", expected=50.5)
    assert value_of(base, "e2e_latency_sum", expected=5050)
    assert value_of(base, "e2e_latency_50_percentile", expected=51)
    assert value_of(base, "e2e_latency_90_percentile", expected=91)
    assert value_of(base, "e2e_latency_99_percentile", expected=100)
    stddev = value_of(base, "e2e_latency_stddev")
    assert abs(stddev - 28.866) < 0.01


def test_sets_count_distinct_members(server):
    petrel, port = server
    send_udp(port, "e2e.visitors:alice|s\ne2e.visitors:bob|s\ne2e.visitors:alice|s\ne2e.visitors:carol|s")
    value_of(petrel.base, "e2e_visitors_value", expected=3)


def test_dogstatsd_tags_become_labels(server):
    petrel, port = server
    send_udp(port, "e2e.requests:2|c|#route:/home,code:200\ne2e.requests:3|c|#code:200,route:/home")
    value_of(petrel.base, 'sum_over_time(e2e_requests_value{route="/home",code="200"}[5m])', expected=5)


def test_tcp_lines(server):
    petrel, port = server
    client = statsd.TCPStatsClient("127.0.0.1", port)
    client.connect()
    client.gauge("e2e.tcp_level", 7)
    client.close()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"e2e.tcp_count:4|c\ne2e.tcp_count:6|c\n")
    value_of(petrel.base, "e2e_tcp_level_value", expected=7)
    value_of(petrel.base, "sum_over_time(e2e_tcp_count_value[5m])", expected=10)


def test_bad_lines_are_counted_and_good_ones_kept(server):
    petrel, port = server
    before = component_counter(petrel.base, "petrel_component_errors_total", "app")
    send_udp(port, "e2e.good:1|c\nnot a metric\ne2e.bad:x|c\ne2e.bad:1|zz")
    send_udp(port, "\x00\xff" * 100)
    wait_until(lambda: component_counter(petrel.base, "petrel_component_errors_total", "app") >= before + 4,
               timeout=10, what="errors counted")
    value_of(petrel.base, "sum_over_time(e2e_good_value[5m])", expected=1)
    assert petrel.alive()
    assert component_counter(petrel.base, "petrel_component_received_events_total", "app") > 0


def test_multi_value_lines_give_each_value(server):
    petrel, port = server
    send_udp(port, "e2e.multi:1|c:2|c|@0.5\ne2e.multi_mixed:3|c:250|ms")
    value_of(petrel.base, "sum_over_time(e2e_multi_value[5m])", expected=5)
    value_of(petrel.base, "sum_over_time(e2e_multi_mixed_value[5m])", expected=3)
    value_of(petrel.base, "e2e_multi_mixed_upper", expected=250)


def test_dogstatsd_events_and_service_checks_are_counted_not_errors(server):
    petrel, port = server
    base = petrel.base
    errors_before = component_counter(base, "petrel_component_errors_total", "app")
    discarded_before = component_counter(base, "petrel_component_discarded_events_total", "app")
    send_udp(port, "_e{7,10}:deploy!|v2 is live|t:info|#env:prod\n_sc|app.up|0|#env:prod|m:fine\ne2e.after_event:1|c")
    value_of(base, "sum_over_time(e2e_after_event_value[5m])", expected=1)
    wait_until(lambda: component_counter(base, "petrel_component_discarded_events_total", "app")
               >= discarded_before + 2, timeout=10, what="events counted as discarded")
    assert component_counter(base, "petrel_component_errors_total", "app") == errors_before


def test_datagrams_longer_than_max_packet_bytes_are_refused_whole(server):
    petrel, port = server
    base = petrel.base
    errors_before = component_counter(base, "petrel_component_errors_total", "app")
    send_udp(port, "e2e.too_long:1|c\n" + "x" * 9000)
    wait_until(lambda: component_counter(base, "petrel_component_errors_total", "app") >= errors_before + 1,
               timeout=10, what="oversized datagram counted")
    send_udp(port, "e2e.after_long:1|c")
    value_of(base, "sum_over_time(e2e_after_long_value[5m])", expected=1)
    assert query(base, "e2e_too_long_value")["result"] == []
