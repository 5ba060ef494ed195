#!/bin/sh
# expect_compile_error.sh EXPECTED SOURCE FLAGS... -- COMPILER...
# Passes if SOURCE fails to compile with a message containing EXPECTED, and
# compiles once its offending line is fixed (-DEMBER_FIXED).
set -u
expected=$1
source=$2
shift 2
flags=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  flags="$flags $1"
  shift
done
[ $# -gt 0 ] && shift
if [ $# -eq 0 ]; then
  echo "usage: $0 EXPECTED SOURCE FLAGS... -- COMPILER..." >&2
  exit 2
fi
out=$("$@" $flags -fsyntax-only "$source" 2>&1)
if [ $? -eq 0 ]; then
  echo "FAIL: $source compiled, but it must not"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -q -- "$expected"; then
  echo "FAIL: compiling $source failed without the message '$expected':"
  printf '%s\n' "$out" | head -40
  exit 1
fi
fixed=$("$@" $flags -DEMBER_FIXED -fsyntax-only "$source" 2>&1)
if [ $? -ne 0 ]; then
  echo "FAIL: $source does not compile with its offending line fixed:"
  printf '%s\n' "$fixed" | head -40
  exit 1
fi
echo "ok: $source fails with '$expected' and compiles when fixed"
