#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
status=0
meson test -C build --print-errorlogs --num-processes "$(nproc 2>/dev/null || echo 2)" "$@" || status=$?
# One closing line with the test cases that doctest counted in every suite.
log=build/meson-logs/testlog.txt
if [ -f "$log" ]; then
  passed=$(grep -E '^\[doctest\] test cases:' "$log" | awk -F'|' '{gsub(/[^0-9]/,"",$2); s+=$2} END {print s+0}')
  failed=$(grep -E '^\[doctest\] test cases:' "$log" | awk -F'|' '{gsub(/[^0-9]/,"",$3); s+=$3} END {print s+0}')
  suites_failed=$(grep -cE '^[ 0-9/]+ .* (FAIL|TIMEOUT) ' "$log" || true)
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  echo "tests: $passed passed, $failed failed"
fi
exit "$status"
