#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need (Debian
# packages, Python packages), builds Petrel, runs the Swift unit tests, then the
# end-to-end tests against real peers (InfluxDB 1.6, Python clients).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
echo "== swift build"
swift build --build-tests
echo "== swift test"
if ! swift test --skip-build > /tmp/petrel-swift-test.log 2>&1; then
  grep -E '✘|error:|failed|Fatal' /tmp/petrel-swift-test.log | head -80 >&2
  tail -5 /tmp/petrel-swift-test.log >&2
  echo "swift test failed (full log: /tmp/petrel-swift-test.log)" >&2
  exit 1
fi
grep -E 'Test run with|Executed [0-9]+ tests' /tmp/petrel-swift-test.log | tail -2
echo "== end-to-end tests"
export PETREL_BIN="$PWD/.build/debug/petrel"
python3 -m pytest tests -q -p no:cacheprovider
