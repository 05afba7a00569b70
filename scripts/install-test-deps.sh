#!/usr/bin/env bash
# Installs the real peers and Python packages the end-to-end suite (tests/)
# and the ingest benchmark (scripts/bench/ingest.py) run against.
# Idempotent and non-interactive; it returns quickly when everything is there.
# Fails (non-zero) when a peer cannot be installed: the suite must not skip it.
set -euo pipefail

# The lists live in scripts/deps/AREA.{apt,bins,pip,imports} (see its README).
cd "$(dirname "$0")/deps"
list() { cat ./*."$1" 2>/dev/null | sed -e 's/#.*//' -e 's/[[:space:]]*$//' | grep -v '^$' | sort -u; }
mapfile -t APT_PACKAGES < <(list apt)
mapfile -t REQUIRED_BINS < <(list bins)
mapfile -t PIP_PACKAGES < <(list pip)
mapfile -t PY_IMPORTS < <(list imports)
IMPORT_CHECK="import $(IFS=,; echo "${PY_IMPORTS[*]}")"

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing_apt+=("$pkg")
    fi
done

if [ "${#missing_apt[@]}" -gt 0 ]; then
    echo "install-test-deps: apt packages to install: ${missing_apt[*]}"
    # Keep packages from starting their services: the tests start their own
    # servers on free loopback ports with temporary data directories.
    created_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
        created_policy=1
    fi
    cleanup() {
        if [ "$created_policy" = "1" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
    }
    trap cleanup EXIT
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends "${missing_apt[@]}"
fi

for bin in "${REQUIRED_BINS[@]}"; do
    if ! command -v "$bin" >/dev/null 2>&1; then
        echo "install-test-deps: required peer binary '$bin' is missing after install" >&2
        exit 1
    fi
done

PY="${PYTHON:-python3}"
if ! "$PY" -c "$IMPORT_CHECK" 2>/dev/null; then
    echo "install-test-deps: pip packages to install: ${PIP_PACKAGES[*]}"
    "$PY" -m pip install -q "${PIP_PACKAGES[@]}"
fi
"$PY" -c "$IMPORT_CHECK"
echo "install-test-deps: ok (influxd $(influxd version 2>/dev/null | head -1 || true))"
