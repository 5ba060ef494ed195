#!/usr/bin/python3
"""Turns bench/run.sh's raw `name value unit` lines into the figures, the
ratio table (Ember / Dask, Ember / CAF limit), the chart data, and this
mode's section of bench/RESULTS.md (between its markers; the rest of the
file is kept)."""

import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys


def load(path):
    values, units, texts = {}, {}, {}
    with open(path) as f:
        for line in f:
            parts = line.strip().split(None, 2)
            if len(parts) < 2:
                continue
            name, value = parts[0], parts[1]
            rest = parts[2] if len(parts) > 2 else ""
            try:
                x = float(value)
            except ValueError:
                texts[name] = (value + " " + rest).strip()
                continue
            values.setdefault(name, []).append(x)
            units[name] = rest
    return ({k: statistics.median(v) for k, v in values.items()},
            {k: len(v) for k, v in values.items()}, units, texts)


class Figures:
    def __init__(self, path):
        self.values, self.counts, self.units, self.texts = load(path)

    def get(self, name):
        return self.values.get(name)

    def why_missing(self, name):
        """The text recorded for a run that produced no `name`."""
        best = None
        parts = name.split(".")
        for k, t in self.texts.items():
            if k.endswith(".rest"):
                # The shared-cluster run of latency, shuffles and sort.
                applies = (name.startswith(k[:-len("rest")]) and len(parts) > 1
                           and parts[1] in ("latency", "shuffle", "shuffle_bag", "sort"))
            else:
                applies = name.startswith(k + ".") or name == k
            if applies:
                if best is None or len(k) > len(best[0]):
                    best = (k, t)
        if best:
            return best[1].split(" (")[0] if len(best[1]) > 40 else best[1]
        return "missing"

    def show(self, name, unit=""):
        v = self.get(name)
        if v is None:
            return self.why_missing(name)
        return fmt(v) + (" " + unit if unit else "")


def fmt(v):
    if v is None:
        return "—"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}".replace(",", " ")
    if a >= 10:
        return f"{v:.1f}"
    if a >= 0.01:
        return f"{v:.3g}"
    return f"{v:.2g}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r):
    if r is None:
        return "—"
    if r >= 100:
        return f"{r:,.0f}×".replace(",", " ")
    return f"{r:.3g}×"


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    return os.cpu_count(), mem, model


def versions():
    out = []
    def dpkg(p):
        try:
            return subprocess.run(["dpkg-query", "-W", "-f=${Version}", p],
                                  capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    out.append(f"CAF {dpkg('libcaf-dev')}")
    out.append(f"g++ {dpkg('g++')}")
    out.append(f"python3-distributed {dpkg('python3-distributed')}")
    out.append(f"python3-pandas {dpkg('python3-pandas')}")
    out.append(f"Python {platform.python_version()}")
    return ", ".join(out)


def label_n(n):
    return {10000: "10k", 100000: "100k", 1000000: "1M", 2000000: "2M",
            10000000: "10M"}.get(n, str(n))


def label_size(s):
    if s >= 2**20:
        return f"{s // 2**20} MiB"
    return f"{s // 2**10} KiB"


def build_tables(fig, mode):
    """Returns (ratio table lines, target table lines, chart rows)."""
    ns = sorted({int(m.group(1)) for k in list(fig.values) + list(fig.texts)
                 for m in [re.match(r"(?:ember|dask|dask_threads)\.tiny\.(\d+)\.", k + ".")]
                 if m})
    sizes = sorted({int(m.group(1)) for k in list(fig.values) + list(fig.texts)
                    for m in [re.match(r"(?:ember|dask)\.results\.(\d+)\.", k + ".")]
                    if m})
    rows = []  # (workload, figure, ember, dask, dask_threads, better)

    def row(workload, figure, metric, better, threads=True, dask_metric=None):
        e = "ember." + metric
        d = "dask." + (dask_metric or metric)
        t = "dask_threads." + metric if threads else None
        rows.append((workload, figure, e, d, t, better))

    for n in ns:
        row("1 tiny tasks", f"N = {label_n(n)}: tasks/s", f"tiny.{n}.rate", "higher")
    row("2 latency", "one-task job, median µs", "latency.median", "lower")
    row("2 latency", "one-task job, p99 µs", "latency.p99", "lower")
    for s in sizes:
        row("3 results", f"{label_size(s)} each: MiB/s to the driver",
            f"results.{s}.rate", "higher", threads=False)
    for s in sizes:
        row("3 results", f"{label_size(s)} each: driver peak RSS Δ, MiB",
            f"results.{s}.peak_delta", "lower", threads=False)
    for s in sizes:
        row("3 results", f"{label_size(s)} each: peak above kept, in results",
            f"results.{s}.overhead_results", "lower", threads=False)
    sort_n = fig.get("ember.sort.records") or fig.get("dask.sort.records")
    sort_n = int(sort_n) if sort_n else None
    shuffle_n = fig.get("ember.shuffle.records") or fig.get("dask.shuffle.records")
    shuffle_label = label_n(int(shuffle_n)) if shuffle_n else ""
    row("4 shuffle", f"reduce-by-key {shuffle_label} records, 10 000 keys, 8 → 8 partitions: records/s "
        "(Dask: dataframe groupby-sum, split_out=8)", "shuffle.rate", "higher", threads=False)
    row("4 shuffle", f"reduce-by-key {shuffle_label} records: records/s (Dask: bag foldby)",
        "shuffle.rate", "higher", threads=False, dask_metric="shuffle_bag.rate")
    row("4 shuffle", f"sort {label_n(sort_n) if sort_n else ''} records: records/s (Dask: dataframe sort_values)",
        "sort.rate", "higher", threads=False)
    for n in ns:
        row("5 scaling", f"N = {label_n(n)}: µs per task", f"tiny.{n}.per_task", "lower")
    for n in ns:
        row("5 scaling", f"N = {label_n(n)}: driver bytes per pending task",
            f"tiny.{n}.mem_per_task", "lower")

    table = ["| workload | figure | Ember (local) | Dask (processes) | Dask (threads) | Ember / Dask | better |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for workload, figure, e, d, t, better in rows:
        ev, dv = fig.get(e), fig.get(d)
        table.append(
            f"| {workload} | {figure} | {fig.show(e)} | {fig.show(d)} | "
            f"{fig.show(t) if t else '—'} | {fmt_ratio(ratio(ev, dv))} | {better} |")

    # Ember / CAF limit.
    big = ns[-1] if ns else None
    caf_rows = [
        ("tiny tasks/s at N = %s vs CAF in-process messages/s (window 64)" % label_n(big) if big else "tiny tasks",
         f"ember.tiny.{big}.rate", "caf.pingpong.local.w64.rate"),
        ("tiny tasks/s at N = %s vs CAF in-process round trips/s (window 1)" % label_n(big) if big else "tiny tasks",
         f"ember.tiny.{big}.rate", None),
        ("latency median µs vs CAF in-process round trip µs",
         "ember.latency.median", "caf.pingpong.local.w1.rtt"),
    ]
    limit = ["| figure | Ember | CAF limit | Ember / CAF |", "| --- | ---: | ---: | ---: |"]
    for figure, e, c in caf_rows:
        ev = fig.get(e)
        if c is None:
            c_rate = fig.get("caf.pingpong.local.w1.rate")
            cv = c_rate / 2 if c_rate else None
            limit.append(f"| {figure} | {fig.show(e)} | {fmt(cv)} | {fmt_ratio(ratio(ev, cv))} |")
        else:
            cv = fig.get(c)
            limit.append(f"| {figure} | {fig.show(e)} | {fig.show(c)} | {fmt_ratio(ratio(ev, cv))} |")
    for figure, c in [("between processes: tasks/s vs CAF loopback messages/s (window 64)",
                       "caf.pingpong.loopback.w64.rate"),
                      ("between processes: latency µs vs CAF loopback round trip µs",
                       "caf.pingpong.loopback.w1.rtt")]:
        limit.append(f"| {figure} | n/a (cluster mode not built yet) | {fig.show(c)} | — |")
    limit += ["", "CAF alone: "
              + "; ".join(f"{name} {fig.show(k, u)}" for name, k, u in [
                  ("in-process ping-pong", "caf.pingpong.local.w1.rate", "msgs/s"),
                  ("round trip", "caf.pingpong.local.w1.rtt", "µs"),
                  ("in-process, 64 in flight", "caf.pingpong.local.w64.rate", "msgs/s"),
                  ("loopback ping-pong", "caf.pingpong.loopback.w1.rate", "msgs/s"),
                  ("round trip", "caf.pingpong.loopback.w1.rtt", "µs"),
                  ("loopback, 64 in flight", "caf.pingpong.loopback.w64.rate", "msgs/s")]) + ".",
              "", "With CAF's `sharing` scheduler policy instead of the default work stealing "
              "(which `ember::engine` uses): "
              + "; ".join(f"{name} {fig.show(k, u)}" for name, k, u in [
                  ("in-process round trip", "caf.pingpong.local.sharing.w1.rtt", "µs"),
                  ("loopback round trip", "caf.pingpong.loopback.sharing.w1.rtt", "µs")]) + "."]

    # Targets.
    def verdict(ok):
        return "—" if ok is None else ("met" if ok else "**not met**")
    targets = ["| target | measured | verdict |", "| --- | --- | --- |"]
    if big:
        er, dr = fig.get(f"ember.tiny.{big}.rate"), fig.get(f"dask.tiny.{big}.rate")
        dask_note = f"Dask: {fig.show(f'dask.tiny.{big}.rate', 'tasks/s')}"
        if dr is None:
            # Dask's rate only falls with N: its rate at the largest N it
            # ran is a generous stand-in.
            ran = [n for n in ns if fig.get(f"dask.tiny.{n}.rate")]
            if ran:
                dr = fig.get(f"dask.tiny.{ran[-1]}.rate")
                dask_note = (f"against Dask's {fmt(dr)} tasks/s at N = {label_n(ran[-1])}; "
                             f"its {label_n(big)} job: {fig.why_missing(f'dask.tiny.{big}.rate')}")
        r = ratio(er, dr)
        note = "" if big == 1000000 else f" (at N = {label_n(big)}: no 1M in a quick run)"
        targets.append(f"| tiny tasks ≥ 200 000 tasks/s at 1M{note} | {fig.show(f'ember.tiny.{big}.rate', 'tasks/s')} | "
                       f"{verdict(er >= 200000 if er else None)} |")
        stand_in = fig.get(f"dask.tiny.{big}.rate") is None and r is not None
        v = verdict(r >= 100 if r else None)
        if stand_in and r < 100:
            v = "open (Dask's own rate at this N is lower still)"
        targets.append(f"| tiny tasks ≥ 100× Dask at 1M{note} | {fmt_ratio(r)} "
                       f"({dask_note}) | {v} |")
    lm = fig.get("ember.latency.median")
    targets.append(f"| latency median ≤ 100 µs | {fig.show('ember.latency.median', 'µs')} | "
                   f"{verdict(lm <= 100 if lm else None)} |")
    if sizes:
        s = sizes[-1]
        rate = fig.get(f"ember.results.{s}.rate")
        over = fig.get(f"ember.results.{s}.overhead_results")
        targets.append(f"| {label_size(s)} results ≥ 1 GiB/s | {fig.show(f'ember.results.{s}.rate', 'MiB/s')} | "
                       f"{verdict(rate >= 1024 if rate else None)} |")
        targets.append(f"| {label_size(s)} results: driver peak ≤ 2 results above what it keeps | "
                       f"{fig.show(f'ember.results.{s}.overhead_results', 'results')} | "
                       f"{verdict(over <= 2 if over is not None else None)} |")
    r = ratio(fig.get("ember.shuffle.rate"), fig.get("dask.shuffle.rate"))
    targets.append(f"| reduce-by-key ≥ 10× Dask (dataframe) | {fmt_ratio(r)} | {verdict(r >= 10 if r else None)} |")
    r2 = ratio(fig.get("ember.shuffle.rate"), fig.get("dask.shuffle_bag.rate"))
    targets.append(f"| reduce-by-key ≥ 10× Dask (bag foldby) | {fmt_ratio(r2)} | {verdict(r2 >= 10 if r2 else None)} |")
    if len(ns) >= 2:
        lo, hi = ns[0], ns[-1]
        g = ratio(fig.get(f"ember.tiny.{hi}.per_task"), fig.get(f"ember.tiny.{lo}.per_task"))
        targets.append(f"| time per task at {label_n(hi)} within 1.5× of {label_n(lo)} | {fmt_ratio(g)} | "
                       f"{verdict(g <= 1.5 if g else None)} |")
    if big:
        m = fig.get(f"ember.tiny.{big}.mem_per_task")
        targets.append(f"| driver memory per pending task ≤ 2 KiB (N = {label_n(big)}) | "
                       f"{fig.show(f'ember.tiny.{big}.mem_per_task', 'B')} | {verdict(m <= 2048 if m is not None else None)} |")

    chart = []
    for n in ns:
        cells = [str(n)]
        for p in ("ember", "dask", "dask_threads"):
            v = fig.get(f"{p}.tiny.{n}.rate")
            cells.append(f"{v:.6g}" if v else "?")
        chart.append(" ".join(cells))
    return table, limit, targets, chart


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--chart-data", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--revision", default="unknown")
    ap.add_argument("--load-before", default="")
    ap.add_argument("--load-after", default="")
    ap.add_argument("--build-seconds", default="?")
    ap.add_argument("--run-seconds", default="?")
    a = ap.parse_args()

    fig = Figures(a.raw)
    table, limit, targets, chart = build_tables(fig, a.mode)

    # Every figure, one line each (medians over repetitions).
    figures = []
    for k in sorted(set(fig.values) | set(fig.texts)):
        if k in fig.values:
            reps = fig.counts[k]
            figures.append(f"{k} {fig.values[k]:.6g} {fig.units[k]}"
                           + (f"  (median of {reps})" if reps > 1 else ""))
        else:
            figures.append(f"{k} {fig.texts[k]}")
    print("\n".join(figures))
    print()
    print("\n".join(table))
    print()
    print("\n".join(limit))
    print()
    print("\n".join(targets))

    with open(a.chart_data, "w") as f:
        f.write("# N ember dask dask_threads (tasks/s)\n")
        f.write("\n".join(chart) + "\n")

    nproc, mem, model = machine()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = [
        f"<!-- BEGIN {a.mode} -->",
        f"## {'Quick' if a.mode == 'quick' else 'Full'} run",
        "",
        f"- command: `{a.command}` (from the repository root)",
        f"- date: {now}; source: `{a.revision}`; build {a.build_seconds} s, whole run {a.run_seconds} s",
        f"- machine: {nproc} cores (nproc), {mem} memory, {model}",
        f"- load: before `{a.load_before.strip()}`; after `{a.load_after.strip()}`",
        f"- versions: {versions()}",
        "",
        "### Ember against Dask",
        "",
        *table,
        "",
        "### Ember against the CAF limit",
        "",
        *limit,
        "",
        "### Targets",
        "",
        *targets,
        "",
        "<details><summary>Every figure (name value unit)</summary>",
        "",
        "```",
        *figures,
        "```",
        "",
        "</details>",
        f"<!-- END {a.mode} -->",
    ]
    text = ""
    if os.path.exists(a.results):
        with open(a.results) as f:
            text = f.read()
    begin, end = f"<!-- BEGIN {a.mode} -->", f"<!-- END {a.mode} -->"
    block = "\n".join(section)
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        if not text:
            text = "# Benchmark results\n\n"
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(a.results, "w") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
