#!/usr/bin/env bash
# Installs libember into a scratch prefix and builds a program against it
# through its pkg-config file, as an application would.
set -euo pipefail
build_dir=$1
source_root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build_dir" --destdir "$tmp/root" --quiet >/dev/null
pc=$(find "$tmp/root" -name ember.pc | head -n 1)
[ -n "$pc" ] || { echo "FAILED: no ember.pc installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
flags=$(pkg-config --cflags --libs ember)
# (pkg-config may or may not prefix variables with the sysroot: look for
# the library itself.)
libdir=$(dirname "$(find "$tmp/root" -name 'libember.so*' | head -n 1)")
c++ -std=c++20 -O0 "$source_root/examples/local_demo.cpp" -o "$tmp/demo" $flags
LD_LIBRARY_PATH="$libdir" EMBER_LOG_LEVEL=error "$tmp/demo" >"$tmp/out"
grep -q "Pi is roughly 3.1" "$tmp/out" || { echo "FAILED: demo output"; cat "$tmp/out"; exit 1; }
grep -q "all results intact: yes" "$tmp/out" || { echo "FAILED: results"; exit 1; }
echo "ok: a program built against the installed libember runs"
# The public flow-testing API works from the installed headers too.
c++ -std=c++20 -O0 "$source_root/examples/flow_test_example.cpp" \
  -o "$tmp/flow_example" $flags
LD_LIBRARY_PATH="$libdir" EMBER_LOG_LEVEL=error "$tmp/flow_example" \
  >"$tmp/flow_out" || { echo "FAILED: flow_test_example"; exit 1; }
grep -q "^sequenceDiagram" "$tmp/flow_out" \
  || { echo "FAILED: no diagram"; cat "$tmp/flow_out"; exit 1; }
echo "ok: a flow test built against the installed headers passes"
