"""Several `type: influx` sources share the InfluxDB write routes by
database: each takes the v1 `db` / v2 `bucket` values it names, one source
without `databases:` takes the rest, and two sources naming one database is
a config error naming both."""

from __future__ import annotations

import subprocess
import time

import requests

from harness import petrel_binary, wait_until


def lines(path):
    """The non-empty lines of a file sink's output (raw encoding may add a blank line)."""
    return [line for line in path.read_text().splitlines() if line] if path.exists() else []


def start(petrel_factory, tmp_path, sources: dict[str, str]):
    """Petrel with one `influx` source per entry (id -> its `databases:` line, or "")
    and a raw file sink `<id>.log` for each; returns the server and the file paths."""
    files = {sid: tmp_path / f"{sid}.log" for sid in sources}
    text = "sources:\n" + "".join(f"  {sid}:\n    type: influx\n" + (f"    databases: {dbs}\n" if dbs else "")
                                   for sid, dbs in sources.items())
    text += "sinks:\n" + "".join(f"  {sid}_out:\n    type: file\n    inputs: [{sid}]\n    path: {files[sid]}\n"
                                 "    encoding: raw\n" for sid in sources)
    config = tmp_path / "petrel.yaml"
    config.write_text(text)
    return petrel_factory.start(extra_args=["--config", str(config)]), files


def test_writes_are_routed_by_database_and_bucket(petrel_factory, tmp_path):
    server, files = start(petrel_factory, tmp_path, {"team": "[team_db, team_bucket]", "rest": ""})
    team, rest = files["team"], files["rest"]
    now = int(time.time())
    for path, body in [("/write?db=team_db&precision=s", f"v1team value=1 {now}\n"),
                       ("/api/v2/write?org=o&bucket=team_bucket&precision=s", f"v2team value=2 {now}\n"),
                       ("/write?db=other&precision=s", f"v1other value=3 {now}\n"),
                       ("/write?precision=s", f"nodb value=4 {now}\n")]:
        resp = requests.post(server.base + path, data=body.encode(), timeout=10)
        assert resp.status_code == 204, resp.text
    wait_until(lambda: len(lines(team)) >= 2 and len(lines(rest)) >= 2, timeout=15, what="both sinks got their lines")
    time.sleep(0.5)  # a misrouted line would arrive by now
    team_text, rest_text = "\n".join(lines(team)), "\n".join(lines(rest))
    assert "v1team" in team_text and "v2team" in team_text
    assert "v1other" not in team_text and "nodb" not in team_text
    assert "v1other" in rest_text and "nodb" in rest_text


def test_unclaimed_databases_go_to_the_default_metrics_path(petrel_factory, tmp_path):
    server, files = start(petrel_factory, tmp_path, {"team": "[team_db]"})
    base, team = server.base, files["team"]
    now = int(time.time())
    assert requests.post(base + "/write?db=elsewhere&precision=s", data=f"unclaimed value=7 {now}\n".encode(),
                         timeout=10).status_code == 204
    assert requests.post(base + "/write?db=team_db&precision=s", data=f"claimed value=8 {now}\n".encode(),
                         timeout=10).status_code == 204

    def unclaimed():
        r = requests.get(base + "/api/v1/query", params={"query": "unclaimed_value", "time": now}, timeout=5).json()
        return r["data"]["result"]

    result = wait_until(unclaimed, timeout=15, what="the unclaimed write is queryable")
    assert float(result[0]["value"][1]) == 7
    wait_until(lambda: lines(team), timeout=15, what="the claimed write reaches the team sink")
    assert all("unclaimed" not in line for line in lines(team))


def test_two_sources_claiming_one_database_is_refused_naming_both(tmp_path):
    config = tmp_path / "petrel.yaml"
    config.write_text("""\
sources:
  one:
    type: influx
    databases: [shared]
  two:
    type: influx
    databases: [shared, mine]
""")
    result = subprocess.run([str(petrel_binary()), "validate", str(config)], capture_output=True, text=True, timeout=20)
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "sources.one" in out and "sources.two" in out and '"shared"' in out, out
