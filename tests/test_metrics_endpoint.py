"""`/metrics` is valid Prometheus text and counts accepted and rejected lines.

Counter names: accepted lines are `petrel_ingest_lines_total`; rejected lines
are counted either by a series of `petrel_ingest_lines_total` whose labels say
"rejected"/"invalid", or by a `petrel_ingest_*reject*` counter. Both layouts are
accepted here; the counts must move by exactly what this test sent.
"""

from __future__ import annotations

import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from harness import describe, wait_until
from promapi import write_lp

ACCEPTED_NAME = "petrel_ingest_lines_total"
REJECT_WORDS = ("reject", "invalid", "error", "bad")


def scrape(base: str) -> list:
    r = requests.get(base + "/metrics", timeout=10)
    assert r.status_code == 200, describe(r)
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("text/plain") or ctype.startswith("application/openmetrics-text"), ctype
    return list(text_string_to_metric_families(r.text))


def _is_reject(name: str, labels: dict) -> bool:
    text = (name + " " + " ".join(labels.values())).lower()
    return any(w in text for w in REJECT_WORDS)


def counts(base: str) -> tuple[float, float]:
    """(accepted, rejected) line counts from one scrape."""
    accepted = rejected = 0.0
    for fam in scrape(base):
        for s in fam.samples:
            if not s.name.startswith("petrel_ingest") or s.name.endswith("_created"):
                continue
            if s.name == ACCEPTED_NAME and not _is_reject(s.name, s.labels):
                accepted += s.value
            elif s.name.startswith("petrel_ingest") and _is_reject(s.name, s.labels) and "line" in s.name:
                rejected += s.value
    return accepted, rejected


def test_metrics_parse_as_prometheus_text(petrel):
    families = scrape(petrel.base)
    assert families, "no metrics exposed"
    names = {s.name for fam in families for s in fam.samples}
    assert ACCEPTED_NAME in names, sorted(names)[:50]
    for fam in families:
        for s in fam.samples:
            assert isinstance(s.value, (int, float)) and not isinstance(s.value, bool), s


def test_metrics_count_accepted_and_rejected_lines(petrel):
    acc0, rej0 = counts(petrel.base)
    ts = (int(time.time()) - 300) * 1000
    good = "".join(f"me_ok,i={i} v={i} {ts}\n" for i in range(25))
    r = write_lp(petrel.base, good, db="m", precision="ms")
    assert r.status_code == 204, describe(r)
    # 3 good + 2 bad lines in one batch, then a batch with 1 bad line.
    mixed = f"me_ok,i=100 v=1 {ts}\nme_bad v=oops {ts}\nme_ok,i=101 v=1 {ts}\nme_bad,x= v=1\nme_ok,i=102 v=1 {ts}\n"
    r = write_lp(petrel.base, mixed, db="m", precision="ms")
    assert r.status_code == 400, describe(r)
    r = write_lp(petrel.base, "me_bad\n", db="m", precision="ms")
    assert r.status_code == 400, describe(r)

    def moved():
        acc, rej = counts(petrel.base)
        return (acc - acc0, rej - rej0) if acc - acc0 >= 28 and rej - rej0 >= 3 else None
    d_acc, d_rej = wait_until(moved, timeout=10, what="ingest counters to move")
    assert d_acc >= 28, d_acc
    assert d_rej == 3, f"rejected lines counted: {d_rej}, expected exactly 3"
