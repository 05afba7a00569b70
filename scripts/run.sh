#!/usr/bin/env bash
# Builds Petrel (release) and runs it with its embedded defaults:
# HTTP on 127.0.0.1:7070, data in ./petrel-data. Extra arguments go to `petrel serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! [ -f /usr/include/zlib.h ] || ! [ -f /usr/include/snappy-c.h ] || ! [ -f /usr/include/lz4frame.h ] || ! [ -f /usr/include/zstd.h ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev >/dev/null
fi
swift build -c release --product petrel >&2
exec .build/release/petrel serve "$@"
