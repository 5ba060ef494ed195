#!/usr/bin/env bash
# Configures (once) and builds Ember in build/ with the given ninja targets
# (all when none are given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=debugoptimized >/dev/null
fi
jobs=$(nproc 2>/dev/null || echo 2)
ninja -C build -j "$jobs" "$@" >build/ninja.log 2>&1 || { tail -n 60 build/ninja.log >&2; exit 1; }
