#pragma once
// Helpers for the DAG scheduler tests: a recording fake backend and a
// driver that injects completions, fetch failures, executor losses and
// task-set failures into a dag_scheduler (no actors).

#include "scheduler/dag_scheduler.hpp"
#include "api/lineage_builder.hpp"
#include "scheduler/listener_bus.hpp"
#include "scheduler/stage_binary.hpp"
#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace ember::dag_test {

using namespace ember;
using namespace std::chrono_literals;



// -- the fake backend ---------------------------------------------------------

class recording_backend : public dag_scheduler::backend {
public:
  struct cancellation {
    stage_id stage;
    std::string reason;
  };

  std::vector<task_set> task_sets;
  std::vector<cancellation> cancelled;
  std::vector<std::chrono::milliseconds> resubmits;
  std::vector<shuffle_id> removed_shuffles;

  void submit_task_set(task_set ts) override {
    task_sets.push_back(std::move(ts));
  }

  void cancel_stage(stage_id stage, const std::string& reason) override {
    cancelled.push_back({stage, reason});
  }

  void schedule_resubmit(std::chrono::milliseconds delay) override {
    resubmits.push_back(delay);
  }

  void remove_shuffle(shuffle_id shuffle) override {
    removed_shuffles.push_back(shuffle);
  }
};

/// Counts the listener events of interest.
struct recording_listener : listener {
  int job_starts = 0;
  std::vector<job_end> job_ends;
  std::vector<stage_submitted> stages_submitted;
  std::vector<stage_completed> stages_completed;
  int task_ends = 0;

  void on_job_start(const job_start&) override {
    ++job_starts;
  }
  void on_job_end(const job_end& ev) override {
    job_ends.push_back(ev);
  }
  void on_stage_submitted(const stage_submitted& ev) override {
    stages_submitted.push_back(ev);
  }
  void on_stage_completed(const stage_completed& ev) override {
    stages_completed.push_back(ev);
  }
  void on_task_end(const task_end&) override {
    ++task_ends;
  }
};

// -- helpers ------------------------------------------------------------------

inline std::string host_of(const executor_id& exec) {
  return "host-" + exec;
}

/// `n` source partitions (never decoded).
inline std::vector<bytes> blobs(int n) {
  std::vector<bytes> result;
  for (int i = 0; i < n; ++i)
    result.push_back(bytes::copy_of("partition " + std::to_string(i)));
  return result;
}

inline partitioner_spec hash_spec(int n) {
  return hash_partitioner{n}.spec();
}

inline shuffle_id shuffle_of(const lineage_builder& b, int node) {
  return b.graph().at(node).shuffle->shuffle;
}

inline std::vector<int> partitions_of(const task_set& ts) {
  std::vector<int> result;
  for (auto& t : ts.tasks)
    result.push_back(t.partition);
  return result;
}

inline std::vector<int> ints(std::initializer_list<int> xs) {
  return std::vector<int>(xs);
}

/// The error a failed job ended with.
inline std::string error_of(job_waiter& w) {
  REQUIRE(w.done());
  try {
    w.wait();
  } catch (const job_failed_error& e) {
    return e.what();
  }
  FAIL("the job succeeded");
  return {};
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A DAG scheduler with a recording backend, and the injection of events.
struct dag_harness {
  recording_backend backend;
  dag_scheduler dag;
  task_id next_tid = 1000;

  explicit dag_harness(std::shared_ptr<listener_bus> bus = nullptr,
                       dag_scheduler_options opts = {})
    : dag(backend, std::move(bus), opts) {
  }

  std::shared_ptr<job_waiter> submit(job_spec spec) {
    auto w = std::make_shared<job_waiter>(spec.partitions());
    dag.submit_job(std::move(spec), w);
    return w;
  }

  std::size_t num_sets() const {
    return backend.task_sets.size();
  }

  /// A copy: later submissions may move the recorded sets.
  task_set set(std::size_t i) const {
    REQUIRE(i < backend.task_sets.size());
    return backend.task_sets[i];
  }

  task_set last_set() const {
    REQUIRE(!backend.task_sets.empty());
    return backend.task_sets.back();
  }

  completion_event event(const task_set& ts, int partition,
                         const executor_id& exec) {
    completion_event ev;
    ev.info.tid = next_tid++;
    ev.info.index = partition;
    ev.info.partition = partition;
    ev.info.stage = ts.stage;
    ev.info.stage_attempt = ts.stage_attempt;
    ev.info.executor = exec;
    ev.info.host = host_of(exec);
    ev.reason = success_reason{};
    return ev;
  }

  /// Map task `partition` of `ts` succeeded on `exec`; returns its status.
  map_status complete_map(const task_set& ts, int partition,
                          const executor_id& exec,
                          std::vector<accumulator_update> accums = {}) {
    auto* s = dag.find_stage(ts.stage);
    REQUIRE(s != nullptr);
    REQUIRE(s->is_shuffle_map());
    std::vector<std::int64_t> sizes;
    for (int r = 0; r < s->shuffle_dep->num_reduces(); ++r)
      sizes.push_back(100 * (partition + 1) + r);
    auto ev = event(ts, partition, exec);
    auto status = map_status::make({exec, host_of(exec)}, ev.info.tid,
                                   partition, sizes);
    ev.value = bytes{status.encode()};
    ev.accum_updates = std::move(accums);
    dag.task_completed(std::move(ev));
    return status;
  }

  void complete_result(const task_set& ts, int partition, std::string value,
                       std::vector<accumulator_update> accums = {},
                       const executor_id& exec = "a") {
    auto ev = event(ts, partition, exec);
    ev.value = bytes{std::move(value)};
    ev.accum_updates = std::move(accums);
    dag.task_completed(std::move(ev));
  }

  /// Every task of `ts` succeeds on `exec` (result values "p<partition>").
  void complete_all(const task_set& ts, const executor_id& exec) {
    for (auto p : partitions_of(ts)) {
      if (ts.shuffle_map_stage)
        complete_map(ts, p, exec);
      else
        complete_result(ts, p, "p" + std::to_string(p), {}, exec);
    }
  }

  /// Task `partition` of `ts` could not fetch map output `map_index` of
  /// `shuffle` from `exec`.
  void fetch_fail(const task_set& ts, int partition, shuffle_id shuffle,
                  int map_index, const executor_id& exec) {
    auto ev = event(ts, partition, "reducer");
    fetch_failed_reason ff;
    ff.executor = exec;
    ff.host = host_of(exec);
    ff.shuffle = shuffle;
    ff.map_id = -1;
    if (dag.tracker().contains_shuffle(shuffle)) {
      auto& st = dag.tracker().statuses(shuffle);
      if (static_cast<std::size_t>(map_index) < st.size() && st[map_index])
        ff.map_id = st[map_index]->map_id();
    }
    ff.map_index = map_index;
    ff.reduce_id = partition;
    ff.message = "connection refused";
    ev.reason = ff;
    dag.task_completed(std::move(ev));
  }

  /// The task scheduler resubmits finished map task `partition` of `ts`
  /// (its executor was lost).
  void resubmitted(const task_set& ts, int partition) {
    auto ev = event(ts, partition, "a");
    ev.reason = resubmitted_reason{};
    dag.task_completed(std::move(ev));
  }

  bool has_output(shuffle_id shuffle, int map_index) const {
    auto& st = dag.tracker().statuses(shuffle);
    return st.at(static_cast<std::size_t>(map_index)).has_value();
  }
};

/// A job of two shuffles in a row: src(1) -> s1 -> x(1) -> s2 -> y(1).
/// Stage 0 writes s1, stage 1 reads s1 and writes s2, stage 2 reads s2.
struct chain_job {
  dag_harness h;
  shuffle_id s1 = -1;
  shuffle_id s2 = -1;
  std::shared_ptr<job_waiter> w;

  chain_job() {
    lineage_builder b;
    auto src = b.source("decode", blobs(1));
    auto x = b.shuffle(src, "sum", hash_spec(1));
    auto y = b.shuffle(x, "sum", hash_spec(1));
    s1 = shuffle_of(b, x);
    s2 = shuffle_of(b, y);
    w = h.submit(b.job(y, "collect", "chain"));
  }

  /// The latest task set, which must belong to `stage`.
  task_set latest(stage_id stage) {
    auto ts = h.last_set();
    REQUIRE(ts.stage == stage);
    return ts;
  }

  /// The latest attempt of `stage` (reading `shuffle`) fails fetching its
  /// map output 0; the resubmission timer fires and the missing map
  /// partition reruns; back to a new attempt of `stage`.
  void fail_once(stage_id stage, shuffle_id shuffle) {
    auto ts = latest(stage);
    h.fetch_fail(ts, 0, shuffle, 0, "a");
    REQUIRE_FALSE(w->done());
    h.dag.resubmit_failed_stages();
    h.complete_all(latest(stage - 1), "a");
    auto next = latest(stage);
    CHECK(next.stage_attempt == ts.stage_attempt + 1);
  }
};


} // namespace ember::dag_test
