#!/usr/bin/env bash
# Ember against Dask, side by side in one run, plus CAF's own limit.
#
#   bench/run.sh [--quick]
#
# Builds the bench programs in a release build (build-release/, bench
# targets only), installs the peer (Debian's python3-distributed) and
# gnuplot if missing, runs every workload for Ember and for Dask, prints one
# `name value unit` line per figure and a ratio table, and writes
# bench/RESULTS.md (between the markers of this mode) and
# bench/tasks_per_second.png. Raw output: bench/out/<mode>/.
#
# Both systems get 2 workers/executors of 1 core each: Ember
# local_executors = 2, executor_cores = 1 (executors inside the driver
# process: local mode); Dask LocalCluster(n_workers=2, threads_per_worker=1,
# processes=True) with the scheduler in the client process, and, for tiny
# tasks and latency, Dask's in-process mode (1 worker, 2 threads).
#
# --quick: smaller N and one repetition (about 3 minutes on 2 cores once
# built); the full run repeats the cheap measurements 3 times (median) and
# takes about 15 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
mode=full
if [ "${1:-}" = "--quick" ]; then
  mode=quick
elif [ $# -gt 0 ]; then
  echo "usage: bench/run.sh [--quick]" >&2
  exit 2
fi
command_line="bench/run.sh${1:+ $1}"
build="$root/build-release"
out="$here/out/$mode"
raw="$out/raw.txt"
log="$out/log.txt"
python=/usr/bin/python3   # Debian's python3, where python3-distributed lives
run_start=$(date +%s)

# -- clean-up: every child runs in the background while we wait for it, so
# that a signal reaches the trap at once; workloads run under `timeout`,
# which kills their whole process group (Dask's worker processes too).
current=""
cleanup() {
  if [ -n "$current" ] && kill -0 "$current" 2>/dev/null; then
    kill -TERM "$current" 2>/dev/null || true
    sleep 1
    kill -KILL "$current" 2>/dev/null || true
  fi
  current=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# in_background COMMAND...: runs it as $current and returns its exit code.
in_background() {
  local rc=0
  "$@" &
  current=$!
  wait "$current" || rc=$?
  current=""
  return "$rc"
}

# -- the peer and the chart tool ------------------------------------------------
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi
need=()
if ! "$python" -c 'import distributed, dask.dataframe, dask.bag, pandas, numpy' \
     >/dev/null 2>&1; then
  need+=(python3-distributed python3-pandas python3-numpy)
fi
command -v gnuplot >/dev/null 2>&1 || need+=(gnuplot-nox)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show "${need[0]}" >/dev/null 2>&1; then
    "${as_root[@]}" apt-get update -qq
  fi
  "${as_root[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

# -- build (release, bench targets only) ------------------------------------------
build_start=$(date +%s)
# The source the binaries are built from (read before the build: the tree
# may change while the run goes on).
revision="$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
if [ ! -f "$build/build.ninja" ]; then
  in_background nice -n 10 meson setup "$build" "$root" --buildtype=release >/dev/null
fi
in_background nice -n 10 ninja -C "$build" -j2 bench/ember_bench bench/caf_pingpong >&2
build_seconds=$(( $(date +%s) - build_start ))
ember="$build/bench/ember_bench"
caf="$build/bench/caf_pingpong"

mkdir -p "$out"
: > "$raw"
: > "$log"
load_before="$(uptime)"

# -- parameters -------------------------------------------------------------------
if [ "$mode" = quick ]; then
  reps=1
  tiny_ns=(10000 100000)
  latency_jobs=200
  results_sizes=(1024 524288 4194304 67108864)
  results_tasks=(2000 32 16 4)
  sort_records=1000000
  caf_local=(200000 1000000)      # round trips: window 1, window 64
  caf_loopback=(20000 200000)
  dask_tiny_budget=75             # seconds one Dask tiny-task job may take
else
  reps=3
  tiny_ns=(10000 100000 1000000)
  latency_jobs=200
  results_sizes=(1024 524288 4194304 67108864)
  results_tasks=(20000 256 64 8)
  sort_records=10000000
  caf_local=(1000000 4000000)
  caf_loopback=(100000 1000000)
  dask_tiny_budget=420
fi
shuffle_args=(2000000 10000 8 8)

# run NAME SECONDS COMMAND...: one bounded workload; its figures go to $raw.
run() {
  local name="$1" limit="$2"
  shift 2
  echo "bench: $name" >&2
  local rc=0
  in_background timeout --kill-after=10 "$limit" "$@" >>"$raw" 2>>"$log" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "$name timeout (over ${limit} s)" >>"$raw"
    echo "bench: $name timed out after ${limit} s" >&2
  elif [ "$rc" -ne 0 ]; then
    echo "$name failed (exit $rc, see bench/out/$mode/log.txt)" >>"$raw"
    echo "bench: $name failed with exit code $rc" >&2
  fi
  return 0
}

# last_value NAME: the last value recorded under NAME, or empty.
last_value() {
  awk -v n="$1" '$1 == n && $2 ~ /^[0-9.eE+-]+$/ { v = $2 } END { print v }' "$raw"
}

# -- 6. the limit: CAF ping-pong ----------------------------------------------------
for ((r = 0; r < reps; r++)); do
  run caf.local.w1 60 "$caf" local "${caf_local[0]}" 1
  run caf.local.w64 60 "$caf" local "${caf_local[1]}" 64
  run caf.loopback.w1 120 "$caf" loopback "${caf_loopback[0]}" 1
  run caf.loopback.w64 120 "$caf" loopback "${caf_loopback[1]}" 64
  # CAF's other scheduler policy (ember::engine uses the default, stealing).
  run caf.local.sharing.w1 60 "$caf" local "${caf_local[0]}" 1 sharing
  run caf.loopback.sharing.w1 120 "$caf" loopback "${caf_loopback[0]}" 1 sharing
done

# -- Ember, local mode ------------------------------------------------------------------
for ((r = 0; r < reps; r++)); do
  for n in "${tiny_ns[@]}"; do
    run "ember.tiny.$n" 300 "$ember" tiny "$n"
  done
  run ember.latency 120 "$ember" latency "$latency_jobs"
  for i in "${!results_sizes[@]}"; do
    run "ember.results.${results_sizes[$i]}" 120 \
      "$ember" results "${results_sizes[$i]}" "${results_tasks[$i]}"
  done
  run ember.shuffle 180 "$ember" shuffle "${shuffle_args[@]}"
  run ember.sort 300 "$ember" sort "$sort_records" 8
done
for w in tiny latency results shuffle sort; do
  echo "ember_cluster.$w n/a (cluster mode not built yet)" >>"$raw"
done

# -- Dask ----------------------------------------------------------------------------------
# Tiny tasks: one process per N (the memory figure needs a fresh client).
# A job whose projected time (from the previous N's rate) exceeds the
# budget is skipped and says so.
dask_tiny() {
  local prefix="$1"
  shift
  local previous=""
  for n in "${tiny_ns[@]}"; do
    if [ -n "$previous" ]; then
      local rate
      rate="$(last_value "$prefix.tiny.$previous.rate")"
      if [ -z "$rate" ] || awk -v n="$n" -v r="$rate" -v b="$dask_tiny_budget" \
           'BEGIN { exit !(n / r > b) }'; then
        local projected
        projected="$(awk -v n="$n" -v r="${rate:-0}" 'BEGIN { if (r > 0) printf "%.0f", n / r; else print "?" }')"
        echo "$prefix.tiny.$n skipped (projected ${projected} s from the $previous-task rate; budget ${dask_tiny_budget} s)" >>"$raw"
        previous="$n"
        continue
      fi
    fi
    run "$prefix.tiny.$n" $((dask_tiny_budget + 60)) \
      "$python" "$here/dask_bench.py" "$@" tiny "$n"
    previous="$n"
  done
}
dask_tiny dask --mode processes
dask_tiny dask_threads --mode threads
for i in "${!results_sizes[@]}"; do
  run "dask.results.${results_sizes[$i]}" 300 "$python" "$here/dask_bench.py" \
    results "${results_sizes[$i]}" "${results_tasks[$i]}"
done
# No memory figures here: one cluster for all.
dask_rest=()
for ((r = 0; r < reps; r++)); do
  [ $r -gt 0 ] && dask_rest+=(+)
  dask_rest+=(latency "$latency_jobs" + shuffle "${shuffle_args[@]}"
              + shuffle-bag "${shuffle_args[@]:0:3}" + sort "$sort_records" 8)
done
run dask.rest 900 "$python" "$here/dask_bench.py" "${dask_rest[@]}"
dask_threads_rest=()
for ((r = 0; r < reps; r++)); do
  [ $r -gt 0 ] && dask_threads_rest+=(+)
  dask_threads_rest+=(latency "$latency_jobs")
done
run dask_threads.rest 300 "$python" "$here/dask_bench.py" --mode threads \
  "${dask_threads_rest[@]}"

load_after="$(uptime)"

# -- report -----------------------------------------------------------------------------------
"$python" "$here/report.py" --mode "$mode" --raw "$raw" \
  --results "$here/RESULTS.md" --chart-data "$out/tasks_per_second.dat" \
  --command "$command_line" \
  --revision "$revision" \
  --load-before "$load_before" \
  --load-after "$load_after" --build-seconds "$build_seconds" \
  --run-seconds "$(( $(date +%s) - run_start ))"
# Points that are missing from the chart, and why.
note="$(awk '$1 ~ /^(ember|dask|dask_threads)\.tiny\.[0-9]+$/ && $2 !~ /^[0-9]/ {
          split($1, p, "."); printf "%s%s N=%s: %s", sep, p[1], p[3], $2; sep = "; " }' "$raw")"
gnuplot -e "datafile='$out/tasks_per_second.dat'; outfile='$here/tasks_per_second.png'; runmode='$mode'; note='${note:+missing: $note}'" \
  "$here/tasks_per_second.gp"
echo "bench: wrote bench/RESULTS.md and bench/tasks_per_second.png ($mode run, $(( $(date +%s) - run_start )) s)" >&2
