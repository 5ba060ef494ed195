#!/usr/bin/python3
"""Dask's side of the benchmark (bench/run.sh), the same work as ember_bench.

    dask_bench.py [--mode processes|threads] tiny N
    dask_bench.py [--mode ...] latency JOBS
    dask_bench.py [--mode ...] results BYTES TASKS
    dask_bench.py [--mode ...] shuffle RECORDS KEYS MAPS REDUCES
    dask_bench.py [--mode ...] shuffle-bag RECORDS KEYS MAPS
    dask_bench.py [--mode ...] sort RECORDS PARTITIONS

Several workloads can share one cluster, separated by "+":
    dask_bench.py latency 200 + shuffle 2000000 10000 8 8 + sort 1000000 8
(bench/run.sh does so where no memory figure is taken, to save start-ups).

--mode processes (default): distributed.LocalCluster(n_workers=2,
threads_per_worker=1, processes=True), the scheduler in this (the client's)
process. --mode threads: one in-process worker with 2 threads
(processes=False). One workload per run, so that each memory figure comes
from a fresh client process. Cluster start-up and a warm-up are not timed.
Prints `name value unit` lines; exits non-zero if a result is wrong.

Run with Debian's /usr/bin/python3 (python3-distributed).
"""

import logging
import operator
import random
import sys
import time


def proc_status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return -1


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def quantile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def report(name, value, unit):
    print(f"{name} {value:.6g} {unit}", flush=True)


# -- task functions (module level: pickled by reference into workers) ----------

def noop(x):
    return x + 1


def make_bytes(i, size):
    return bytes([97 + i % 26]) * size


def gen_kv(seed, n, keys):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"key": rng.integers(0, keys, n, dtype=np.int64),
                         "val": np.ones(n, dtype=np.int64)})


def gen_records(params):
    out = []
    for seed, n, keys in params:
        rnd = random.Random(seed)
        out.extend((rnd.randrange(keys), 1) for _ in range(n))
    return out


def first(kv):
    return kv[0]


def add_value(acc, kv):
    return acc + kv[1]


def gen_sort(seed, n):
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"key": rng.integers(0, 2**62, n, dtype=np.int64),
                         "val": np.arange(n, dtype=np.int64)})


def summarize(df):
    import pandas as pd
    return pd.DataFrame({
        "count": [len(df)],
        "first": [df["key"].iloc[0] if len(df) else 0],
        "last": [df["key"].iloc[-1] if len(df) else 0],
        "ordered": [bool(df["key"].is_monotonic_increasing)],
    })


def split(records, parts):
    return [(1000 + p, records * (p + 1) // parts - records * p // parts)
            for p in range(parts)]


# -- workloads -------------------------------------------------------------------

def tiny(client, prefix, n):
    reset = reset_peak_rss()
    rss0 = proc_status_bytes("VmRSS")
    t0 = time.perf_counter()
    futures = client.map(noop, range(n), pure=False)
    values = client.gather(futures)
    secs = time.perf_counter() - t0
    peak = proc_status_bytes("VmHWM")
    ok = len(values) == n and sum(values) == n * (n - 1) // 2 + n
    p = f"{prefix}.tiny.{n}"
    report(p + ".rate", n / secs, "tasks/s")
    report(p + ".per_task", secs * 1e6 / n, "us")
    report(p + ".seconds", secs, "s")
    report(p + ".rss_delta", (peak - rss0) / 2**20, "MiB")
    report(p + ".mem_per_task", (peak - rss0) / n, "B")
    if not reset:
        print(p + ".note peak-RSS-reset-unavailable")
    del futures, values
    return ok


def latency(client, prefix, jobs):
    for i in range(20):
        client.submit(noop, i, pure=False).result()
    us = []
    ok = True
    for i in range(jobs):
        t0 = time.perf_counter()
        v = client.submit(noop, i, pure=False).result()
        us.append((time.perf_counter() - t0) * 1e6)
        ok = ok and v == i + 1
    report(prefix + ".latency.median", quantile(us, 0.5), "us")
    report(prefix + ".latency.p99", quantile(us, 0.99), "us")
    report(prefix + ".latency.mean", sum(us) / len(us), "us")
    return ok


def results(client, prefix, size, tasks):
    reset = reset_peak_rss()
    rss0 = proc_status_bytes("VmRSS")
    t0 = time.perf_counter()
    futures = client.map(make_bytes, range(tasks), [size] * tasks, pure=False)
    # The client keeps every value (as Ember's driver keeps every result).
    values = client.gather(futures)
    ok = len(values) == tasks and all(
        len(v) == size and (size == 0 or v[size // 2] == 97 + i % 26)
        for i, v in enumerate(values))
    secs = time.perf_counter() - t0
    peak = proc_status_bytes("VmHWM")
    mib = size * tasks / 2**20
    p = f"{prefix}.results.{size}"
    report(p + ".rate", mib / secs, "MiB/s")
    report(p + ".tasks", tasks, "tasks")
    report(p + ".kept", mib, "MiB")
    report(p + ".peak_delta", (peak - rss0) / 2**20, "MiB")
    report(p + ".overhead_results", (peak - rss0 - size * tasks) / size,
           "results")
    if not reset:
        print(p + ".note peak-RSS-reset-unavailable")
    del futures, values
    return ok


def shuffle(client, prefix, records, keys, maps, reduces):
    """dask.dataframe groupby-sum with split_out: map-side combine per input
    partition, then a hash split into `reduces` output partitions."""
    import dask
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd
    meta = pd.DataFrame({"key": pd.Series(dtype=np.int64),
                         "val": pd.Series(dtype=np.int64)})
    params = split(records, maps)
    t0 = time.perf_counter()
    ddf = dd.from_delayed([dask.delayed(gen_kv)(s, n, keys) for s, n in params],
                          meta=meta, verify_meta=False)
    sums = ddf.groupby("key", sort=False)["val"].sum(
        split_out=reduces).compute()
    secs = time.perf_counter() - t0
    report(prefix + ".shuffle.records", records, "records")
    report(prefix + ".shuffle.rate", records / secs, "records/s")
    report(prefix + ".shuffle.seconds", secs, "s")
    return int(sums.sum()) == records and keys * 9 // 10 < len(sums) <= keys


def shuffle_bag(client, prefix, records, keys, maps):
    """dask.bag foldby over Python tuples: a tree reduction into one
    partition (foldby has no split_out)."""
    import dask.bag as db
    params = [(s, n, keys) for s, n in split(records, maps)]
    t0 = time.perf_counter()
    bag = db.from_sequence(params, npartitions=maps).map_partitions(
        gen_records)
    sums = bag.foldby(first, add_value, 0, operator.add, 0).compute()
    secs = time.perf_counter() - t0
    report(prefix + ".shuffle_bag.rate", records / secs, "records/s")
    report(prefix + ".shuffle_bag.seconds", secs, "s")
    return (sum(c for _, c in sums) == records
            and keys * 9 // 10 < len(sums) <= keys)


def sort(client, prefix, records, partitions):
    """dask.dataframe sort_values (quantiles first, then a task-based range
    shuffle and a sort within each partition)."""
    import dask
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd
    meta = pd.DataFrame({"key": pd.Series(dtype=np.int64),
                         "val": pd.Series(dtype=np.int64)})
    summary_meta = pd.DataFrame({"count": pd.Series(dtype=np.int64),
                                 "first": pd.Series(dtype=np.int64),
                                 "last": pd.Series(dtype=np.int64),
                                 "ordered": pd.Series(dtype=bool)})
    params = split(records, partitions)
    t0 = time.perf_counter()
    ddf = dd.from_delayed([dask.delayed(gen_sort)(s, n) for s, n in params],
                          meta=meta, verify_meta=False)
    out = ddf.sort_values("key").map_partitions(summarize, meta=summary_meta)
    summary = out.compute()
    secs = time.perf_counter() - t0
    report(prefix + ".sort.records", records, "records")
    report(prefix + ".sort.rate", records / secs, "records/s")
    report(prefix + ".sort.seconds", secs, "s")
    print(f"{prefix}.sort.shuffle_method {dask.config.get('shuffle', None)}")
    ok = int(summary["count"].sum()) == records and bool(
        summary["ordered"].all())
    previous = None
    for _, row in summary.iterrows():
        if row["count"] == 0:
            continue
        ok = ok and (previous is None or row["first"] >= previous)
        previous = row["last"]
    return ok


def main(argv):
    mode = "processes"
    if len(argv) >= 2 and argv[0] == "--mode":
        mode = argv[1]
        argv = argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    commands = []
    for token in argv:
        if token == "+" or not commands:
            commands.append([])
        if token != "+":
            commands[-1].append(token)
    workloads = {"tiny": tiny, "latency": latency, "results": results,
                 "shuffle": shuffle, "shuffle-bag": shuffle_bag, "sort": sort}
    for c in commands:
        if not c or c[0] not in workloads:
            print(f"unknown workload {c}", file=sys.stderr)
            return 2

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    if mode == "processes":
        cluster = LocalCluster(n_workers=2, threads_per_worker=1,
                               processes=True, host="127.0.0.1",
                               dashboard_address=None,
                               silence_logs=logging.ERROR)
        prefix = "dask"
    elif mode == "threads":
        cluster = LocalCluster(n_workers=1, threads_per_worker=2,
                               processes=False, dashboard_address=None,
                               silence_logs=logging.ERROR)
        prefix = "dask_threads"
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    client = Client(cluster)
    # Warm-up: the workers imported their modules and ran a task.
    client.gather(client.map(noop, range(100), pure=False))
    report(f"{prefix}.startup", time.perf_counter() - t0, "s")
    failed = []
    try:
        for c in commands:
            if not workloads[c[0]](client, prefix, *[int(a) for a in c[1:]]):
                failed.append(c[0])
    finally:
        client.close()
        cluster.close()
    for name in failed:
        print(f"dask_bench {name}: wrong results", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
