// Tests of the DAG scheduler's logic without actors (modelled on Spark's
// DAGSchedulerSuite): jobs go to a dag_scheduler whose backend records its
// decisions (task sets, stage cancellations, resubmission timers, shuffle
// removals); task ends, executor losses and task set failures are injected
// by hand. Nothing runs: the functions the lineages name are never looked
// up.

#include "scheduler/dag_scheduler.hpp"

#include "api/lineage_builder.hpp"
#include "scheduler/listener_bus.hpp"
#include "scheduler/stage_binary.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ember;
using namespace std::chrono_literals;

namespace {

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

std::string host_of(const executor_id& exec) {
  return "host-" + exec;
}

/// `n` source partitions (never decoded).
std::vector<bytes> blobs(int n) {
  std::vector<bytes> result;
  for (int i = 0; i < n; ++i)
    result.push_back(bytes::copy_of("partition " + std::to_string(i)));
  return result;
}

partitioner_spec hash_spec(int n) {
  return hash_partitioner{n}.spec();
}

shuffle_id shuffle_of(const lineage_builder& b, int node) {
  return b.graph().at(node).shuffle->shuffle;
}

std::vector<int> partitions_of(const task_set& ts) {
  std::vector<int> result;
  for (auto& t : ts.tasks)
    result.push_back(t.partition);
  return result;
}

std::vector<int> ints(std::initializer_list<int> xs) {
  return std::vector<int>(xs);
}

/// The error a failed job ended with.
std::string error_of(job_waiter& w) {
  REQUIRE(w.done());
  try {
    w.wait();
  } catch (const job_failed_error& e) {
    return e.what();
  }
  FAIL("the job succeeded");
  return {};
}

bool contains(const std::string& text, const std::string& part) {
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

} // namespace

// -- single-stage jobs --------------------------------------------------------

TEST_CASE("a trivial job's results reach the waiter once") {
  auto bus = std::make_shared<listener_bus>();
  auto events = std::make_shared<recording_listener>();
  bus->add_listener(events);
  dag_harness h{bus};
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto spec = b.job(src, "collect", "trivial");
  std::vector<int> handled;
  spec.result_handler = [&](int p, const bytes&) { handled.push_back(p); };
  auto w = h.submit(std::move(spec));

  REQUIRE(h.num_sets() == 1);
  auto ts = h.set(0);
  CHECK(ts.stage == 0);
  CHECK(ts.stage_attempt == 0);
  CHECK(ts.priority == 0);
  CHECK_FALSE(ts.shuffle_map_stage);
  CHECK(partitions_of(ts) == ints({0, 1}));
  CHECK(h.dag.num_stages() == 1);
  CHECK(h.dag.is_running(0));
  CHECK(h.dag.active_jobs() == 1);

  h.complete_result(ts, 0, "zero", {{7, 5}});
  CHECK_FALSE(w->done());
  // A second copy of partition 0 (speculation): ignored, accumulators too.
  h.complete_result(ts, 0, "zero again", {{7, 5}});
  CHECK_FALSE(w->done());
  CHECK(w->finished_partitions() == 1);
  h.complete_result(ts, 1, "one", {{7, 1}});
  REQUIRE(w->done());
  auto res = w->wait();
  CHECK(res.id == 0);
  REQUIRE(res.values.size() == 2);
  CHECK(res.values[0].to_string() == "zero");
  CHECK(res.values[1].to_string() == "one");
  CHECK(res.accumulators.at(7) == 6);
  CHECK(handled == ints({0, 1}));
  CHECK(h.dag.active_jobs() == 0);
  CHECK(h.dag.num_stages() == 0);

  // A completion after the job ended changes nothing.
  h.complete_result(ts, 1, "late", {{7, 100}});
  CHECK(handled == ints({0, 1}));
  CHECK(h.num_sets() == 1);

  bus->drain();
  CHECK(events->job_starts == 1);
  REQUIRE(events->job_ends.size() == 1);
  CHECK(events->job_ends[0].succeeded);
  REQUIRE(events->stages_submitted.size() == 1);
  CHECK(events->stages_submitted[0].num_tasks == 2);
  REQUIRE(events->stages_completed.size() == 1);
  CHECK(events->stages_completed[0].failure_reason.empty());
  CHECK(events->task_ends == 4);
}

TEST_CASE("a task-function job is one result stage") {
  dag_harness h;
  job_spec spec;
  spec.name = "pi";
  spec.function = "estimate_pi";
  spec.args = "1000";
  spec.num_partitions = 3;
  spec.partition_inputs = blobs(3);
  auto w = h.submit(std::move(spec));
  REQUIRE(h.num_sets() == 1);
  auto ts = h.set(0);
  CHECK_FALSE(ts.shuffle_map_stage);
  CHECK_FALSE(is_stage_binary(ts.binary.view()));
  CHECK(partitions_of(ts) == ints({0, 1, 2}));
  CHECK(ts.tasks[2].partition_data.to_string() == "partition 2");
  h.complete_all(ts, "a");
  REQUIRE(w->done());
  CHECK(w->wait().values[2].to_string() == "p2");
}

TEST_CASE("a job with narrow dependencies is one stage") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(3));
  auto doubled = b.narrow(src, "double");
  auto target = b.narrow(doubled, "increment");
  auto w = h.submit(b.job(target, "collect", "narrow"));

  CHECK(h.dag.num_stages() == 1);
  REQUIRE(h.num_sets() == 1);
  auto ts = h.set(0);
  CHECK_FALSE(ts.shuffle_map_stage);
  CHECK(partitions_of(ts) == ints({0, 1, 2}));
  auto bin = decode_stage_binary(ts.binary.view());
  CHECK(bin.target == target);
  CHECK_FALSE(bin.shuffle_map);
  CHECK(bin.result_function == "collect");
  CHECK(bin.map_outputs.empty());
  // Each task carries its source partition.
  auto inputs = decode_partition_inputs(ts.tasks[1].partition_data.view());
  REQUIRE(inputs.size() == 1);
  CHECK(inputs[0].node == src);
  CHECK(inputs[0].partition == 1);
  CHECK(inputs[0].data == "partition 1");

  h.complete_all(ts, "a");
  REQUIRE(w->done());
  CHECK(w->wait().values.size() == 3);
  CHECK(h.num_sets() == 1);
}

TEST_CASE("a job without partitions ends at once") {
  dag_harness h;
  SUBCASE("task function") {
    job_spec spec;
    spec.function = "nothing";
    spec.num_partitions = 0;
    auto w = h.submit(std::move(spec));
    REQUIRE(w->done());
    CHECK(w->wait().values.empty());
  }
  SUBCASE("lineage, even behind a shuffle") {
    lineage_builder b;
    auto src = b.source("decode", blobs(2));
    auto empty = b.shuffle(src, "sum", hash_spec(0));
    auto w = h.submit(b.job(empty, "collect"));
    REQUIRE(w->done());
    CHECK(w->wait().values.empty());
  }
  CHECK(h.num_sets() == 0);
  CHECK(h.dag.num_stages() == 0);
  CHECK(h.dag.active_jobs() == 0);
}

// -- stages -------------------------------------------------------------------

TEST_CASE("a diamond lineage gets one map stage per shuffle, parents first") {
  // src -> s1 -> x; x -> s2 -> y; x -> s3 -> z; target = union(y, z).
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto x = b.shuffle(src, "sum", hash_spec(3));
  auto y = b.shuffle(x, "sum", hash_spec(2));
  auto z = b.shuffle(x, "sum", hash_spec(2));
  auto target = b.union_of({y, z});
  auto s1 = shuffle_of(b, x);
  auto s2 = shuffle_of(b, y);
  auto s3 = shuffle_of(b, z);
  auto w = h.submit(b.job(target, "collect", "diamond"));

  // s1 is reached by two paths but has one stage.
  REQUIRE(h.dag.num_stages() == 4);
  std::vector<shuffle_id> written;
  for (stage_id id = 0; id < 3; ++id) {
    auto* s = h.dag.find_stage(id);
    REQUIRE(s != nullptr);
    REQUIRE(s->is_shuffle_map());
    written.push_back(s->shuffle_dep->shuffle);
    for (auto parent : s->parents)
      CHECK(parent < id);
  }
  CHECK(written == std::vector<shuffle_id>{s1, s2, s3});
  CHECK(h.dag.find_stage(0)->parents.empty());
  CHECK(h.dag.find_stage(1)->parents == std::vector<stage_id>{0});
  CHECK(h.dag.find_stage(2)->parents == std::vector<stage_id>{0});
  auto* result = h.dag.find_stage(3);
  REQUIRE(result != nullptr);
  CHECK_FALSE(result->is_shuffle_map());
  auto parents = result->parents;
  std::sort(parents.begin(), parents.end());
  CHECK(parents == std::vector<stage_id>{1, 2});

  // Only the stage without missing parents runs; the others wait.
  REQUIRE(h.num_sets() == 1);
  auto first = h.set(0);
  CHECK(first.stage == 0);
  CHECK(first.shuffle_map_stage);
  CHECK(partitions_of(first) == ints({0, 1}));
  CHECK(decode_stage_binary(first.binary.view()).dep.shuffle == s1);
  CHECK(h.dag.is_running(0));
  CHECK(h.dag.is_waiting(1));
  CHECK(h.dag.is_waiting(2));
  CHECK(h.dag.is_waiting(3));

  h.complete_map(first, 0, "a");
  CHECK(h.num_sets() == 1);
  h.complete_map(first, 1, "b");
  // Both children of stage 0 run now, in id order.
  REQUIRE(h.num_sets() == 3);
  auto left = h.set(1);
  auto right = h.set(2);
  CHECK(left.stage == 1);
  CHECK(right.stage == 2);
  CHECK(left.shuffle_map_stage);
  CHECK(right.shuffle_map_stage);
  CHECK(partitions_of(left) == ints({0, 1, 2}));
  auto left_bin = decode_stage_binary(left.binary.view());
  REQUIRE(left_bin.outputs_of(s1) != nullptr);
  CHECK(left_bin.outputs_of(s1)->size() == 2);
  CHECK(h.dag.is_waiting(3));

  // The result stage waits for its last parent.
  h.complete_all(left, "a");
  CHECK(h.num_sets() == 3);
  CHECK(h.dag.is_waiting(3));
  h.complete_all(right, "b");
  REQUIRE(h.num_sets() == 4);
  auto last = h.set(3);
  CHECK(last.stage == 3);
  CHECK_FALSE(last.shuffle_map_stage);
  CHECK(partitions_of(last) == ints({0, 1, 2, 3}));
  auto bin = decode_stage_binary(last.binary.view());
  CHECK(bin.target == target);
  REQUIRE(bin.outputs_of(s2) != nullptr);
  REQUIRE(bin.outputs_of(s3) != nullptr);
  CHECK(bin.outputs_of(s2)->size() == 3);
  CHECK(bin.outputs_of(s3)->size() == 3);
  CHECK(bin.outputs_of(s1) == nullptr);

  h.complete_all(last, "a");
  REQUIRE(w->done());
  CHECK(w->wait().values[3].to_string() == "p3");
  CHECK(h.num_sets() == 4);
  auto removed = h.backend.removed_shuffles;
  std::sort(removed.begin(), removed.end());
  CHECK(removed == std::vector<shuffle_id>{s1, s2, s3});
}

TEST_CASE("a trivial shuffle runs the map stage, then the result stage "
          "with the map statuses") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto reduced = b.shuffle(src, "sum", hash_spec(3));
  auto s = shuffle_of(b, reduced);
  auto w = h.submit(b.job(reduced, "collect", "shuffle"));

  REQUIRE(h.num_sets() == 1);
  auto ms = h.set(0);
  CHECK(ms.stage == 0);
  CHECK(ms.shuffle_map_stage);
  CHECK(partitions_of(ms) == ints({0, 1}));
  auto mbin = decode_stage_binary(ms.binary.view());
  CHECK(mbin.shuffle_map);
  CHECK(mbin.target == src);
  CHECK(mbin.dep.shuffle == s);
  CHECK(mbin.dep.num_reduces() == 3);
  CHECK(mbin.map_outputs.empty());
  CHECK(h.dag.is_waiting(1));
  CHECK(h.dag.tracker().contains_shuffle(s));

  h.complete_map(ms, 0, "a", {{3, 10}});
  CHECK(h.num_sets() == 1);
  CHECK(h.dag.tracker().num_available_outputs(s) == 1);
  // A second copy of map task 0: its status replaces the first, its
  // accumulator updates are not merged again.
  auto st0 = h.complete_map(ms, 0, "c", {{3, 10}});
  CHECK(h.num_sets() == 1);
  auto st1 = h.complete_map(ms, 1, "b", {{3, 1}});
  REQUIRE(h.num_sets() == 2);
  CHECK_FALSE(h.dag.is_running(0));

  auto rs = h.set(1);
  CHECK(rs.stage == 1);
  CHECK(rs.stage_attempt == 0);
  CHECK_FALSE(rs.shuffle_map_stage);
  CHECK(partitions_of(rs) == ints({0, 1, 2}));
  auto bin = decode_stage_binary(rs.binary.view());
  CHECK_FALSE(bin.shuffle_map);
  CHECK(bin.target == reduced);
  CHECK(bin.result_function == "collect");
  auto* outs = bin.outputs_of(s);
  REQUIRE(outs != nullptr);
  REQUIRE(outs->size() == 2);
  CHECK((*outs)[0] == st0);
  CHECK((*outs)[1] == st1);
  CHECK((*outs)[1].executor() == "b");

  h.complete_result(rs, 0, "r0");
  h.complete_result(rs, 2, "r2");
  h.complete_result(rs, 1, "r1");
  REQUIRE(w->done());
  auto res = w->wait();
  CHECK(res.values[0].to_string() == "r0");
  CHECK(res.values[1].to_string() == "r1");
  CHECK(res.values[2].to_string() == "r2");
  CHECK(res.accumulators.at(3) == 11);
}

// -- fetch failures -----------------------------------------------------------

TEST_CASE("a fetch failure reruns only the missing map and reduce "
          "partitions") {
  auto bus = std::make_shared<listener_bus>();
  auto events = std::make_shared<recording_listener>();
  bus->add_listener(events);
  dag_harness h{bus};
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto reduced = b.shuffle(src, "sum", hash_spec(3));
  auto s = shuffle_of(b, reduced);
  auto w = h.submit(b.job(reduced, "collect", "fetch failure"));
  auto ms = h.set(0);
  h.complete_map(ms, 0, "a");
  h.complete_map(ms, 1, "b");
  REQUIRE(h.num_sets() == 2);
  auto rs = h.set(1);

  h.complete_result(rs, 0, "r0");
  h.fetch_fail(rs, 1, s, 1, "b");
  // The reading stage failed, map output 1 is gone, a resubmission is due.
  REQUIRE(h.backend.resubmits.size() == 1);
  CHECK(h.backend.resubmits[0] == dag_scheduler_options{}.resubmit_delay);
  CHECK(h.has_output(s, 0));
  CHECK_FALSE(h.has_output(s, 1));
  CHECK(h.dag.tracker().epoch() > 0);
  CHECK_FALSE(h.dag.is_running(1));
  CHECK(h.dag.is_failed(1));
  CHECK(h.dag.is_failed(0));

  // Another task of the same attempt fails too: one resubmission only, and
  // one failure of the attempt.
  h.fetch_fail(rs, 2, s, 1, "b");
  CHECK(h.backend.resubmits.size() == 1);
  CHECK(h.num_sets() == 2);
  CHECK_FALSE(w->done());
  bus->drain();
  auto failures = std::count_if(
    events->stages_completed.begin(), events->stages_completed.end(),
    [](auto& ev) { return !ev.failure_reason.empty(); });
  CHECK(failures == 1);

  // The timer fires: only the lost map partition reruns.
  h.dag.resubmit_failed_stages();
  REQUIRE(h.num_sets() == 3);
  auto ms2 = h.set(2);
  CHECK(ms2.stage == 0);
  CHECK(ms2.stage_attempt == 1);
  CHECK(ms2.shuffle_map_stage);
  CHECK(partitions_of(ms2) == ints({1}));
  CHECK(h.dag.is_waiting(1));
  CHECK_FALSE(h.dag.is_failed(0));
  CHECK_FALSE(h.dag.is_failed(1));

  // Then only the reduce partitions without a result.
  h.complete_map(ms2, 1, "c");
  REQUIRE(h.num_sets() == 4);
  auto rs2 = h.set(3);
  CHECK(rs2.stage == 1);
  CHECK(rs2.stage_attempt == 1);
  CHECK(partitions_of(rs2) == ints({1, 2}));
  auto bin = decode_stage_binary(rs2.binary.view());
  REQUIRE(bin.outputs_of(s) != nullptr);
  REQUIRE(bin.outputs_of(s)->size() == 2);
  CHECK((*bin.outputs_of(s))[0].executor() == "a");
  CHECK((*bin.outputs_of(s))[1].executor() == "c");

  h.complete_result(rs2, 1, "r1");
  h.complete_result(rs2, 2, "r2");
  REQUIRE(w->done());
  auto res = w->wait();
  CHECK(res.values[0].to_string() == "r0");
  CHECK(res.values[1].to_string() == "r1");
  CHECK(res.values[2].to_string() == "r2");
  CHECK(h.backend.resubmits.size() == 1);
  CHECK(h.num_sets() == 4);
}

TEST_CASE("a fetch failure from an older stage attempt is ignored") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto reduced = b.shuffle(src, "sum", hash_spec(3));
  auto s = shuffle_of(b, reduced);
  auto w = h.submit(b.job(reduced, "collect"));
  auto ms = h.set(0);
  h.complete_map(ms, 0, "a");
  h.complete_map(ms, 1, "b");
  auto rs = h.set(1);
  h.fetch_fail(rs, 1, s, 1, "b");
  h.dag.resubmit_failed_stages();
  h.complete_map(h.set(2), 1, "c");
  REQUIRE(h.num_sets() == 4);
  auto rs2 = h.set(3);
  CHECK(rs2.stage_attempt == 1);
  CHECK(partitions_of(rs2) == ints({0, 1, 2}));
  auto epoch = h.dag.tracker().epoch();

  // Partition 2 of attempt 0 was still running; it fails late, naming map
  // output 0 on "a".
  h.fetch_fail(rs, 2, s, 0, "a");
  CHECK(h.backend.resubmits.size() == 1);
  CHECK(h.has_output(s, 0));
  CHECK(h.dag.tracker().epoch() == epoch);
  CHECK(h.dag.is_running(1));
  CHECK_FALSE(h.dag.is_failed(1));
  CHECK_FALSE(h.dag.is_failed(0));

  h.complete_all(rs2, "a");
  REQUIRE(w->done());
  CHECK(w->wait().values[2].to_string() == "p2");
  CHECK(h.num_sets() == 4);
}

TEST_CASE("a stage failing 4 consecutive attempts aborts its job") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(1));
  auto reduced = b.shuffle(src, "sum", hash_spec(1));
  auto s = shuffle_of(b, reduced);
  auto w = h.submit(b.job(reduced, "collect", "doomed"));
  for (int attempt = 0; attempt < 4; ++attempt) {
    CAPTURE(attempt);
    auto ms = h.last_set();
    REQUIRE(ms.stage == 0);
    CHECK(ms.stage_attempt == attempt);
    h.complete_map(ms, 0, "a");
    auto rs = h.last_set();
    REQUIRE(rs.stage == 1);
    CHECK(rs.stage_attempt == attempt);
    h.fetch_fail(rs, 0, s, 0, "a");
    if (attempt < 3) {
      CHECK_FALSE(w->done());
      CHECK(h.backend.resubmits.size() == static_cast<std::size_t>(attempt) + 1);
      h.dag.resubmit_failed_stages();
    }
  }
  auto error = error_of(*w);
  CHECK(contains(error, "has failed the maximum allowable number of "
                        "times: 4"));
  CHECK(contains(error, "ResultStage 1"));
  CHECK(contains(error, "Job aborted due to stage failure"));
  CHECK(h.backend.resubmits.size() == 3);
  CHECK(h.dag.active_jobs() == 0);
  CHECK(h.dag.num_stages() == 0);
  CHECK(h.backend.removed_shuffles == std::vector<shuffle_id>{s});

  // A later job over the same shuffle behaves normally (SPARK-17644).
  auto w2 = h.submit(b.job(reduced, "collect", "retry"));
  auto ms = h.last_set();
  CHECK(ms.shuffle_map_stage);
  CHECK(ms.stage_attempt == 0);
  h.complete_map(ms, 0, "b");
  auto rs = h.last_set();
  CHECK_FALSE(rs.shuffle_map_stage);
  h.fetch_fail(rs, 0, s, 0, "b");
  CHECK_FALSE(w2->done());
  h.dag.resubmit_failed_stages();
  h.complete_map(h.last_set(), 0, "c");
  h.complete_all(h.last_set(), "c");
  REQUIRE(w2->done());
  CHECK(w2->wait().values[0].to_string() == "p0");
}

TEST_CASE("an aborting fetch failure still unregisters the map output "
          "another job reads") {
  // Job 0 reads shuffle s; job 1 reads s and t. Job 0's result stage fails
  // for good while t's map stage still runs.
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(1));
  auto x = b.shuffle(src, "sum", hash_spec(1));
  auto src_t = b.source("decode", blobs(1));
  auto y = b.shuffle(src_t, "sum", hash_spec(1));
  auto both = b.union_of({x, y});
  auto s = shuffle_of(b, x);
  auto w0 = h.submit(b.job(x, "collect", "x only"));
  auto w1 = h.submit(b.job(both, "collect", "x and y"));
  // Stages: 0 writes s, 1 = job 0's result, 2 writes t, 3 = job 1's result.
  REQUIRE(h.num_sets() == 2);
  auto ms_t = h.set(1);
  REQUIRE(ms_t.stage == 2);
  for (int attempt = 0; attempt < 4; ++attempt) {
    CAPTURE(attempt);
    auto ms = attempt == 0 ? h.set(0) : h.last_set();
    REQUIRE(ms.stage == 0);
    h.complete_map(ms, 0, "a");
    auto rs = h.last_set();
    REQUIRE(rs.stage == 1);
    h.fetch_fail(rs, 0, s, 0, "a");
    if (attempt < 3)
      h.dag.resubmit_failed_stages();
  }
  CHECK(contains(error_of(*w0), "maximum allowable number of times: 4"));
  CHECK_FALSE(w1->done());
  // The output the last fetch failure named is gone...
  CHECK_FALSE(h.has_output(s, 0));
  // ... so once t is written, s's map partition reruns before job 1's
  // result stage.
  auto sets = h.num_sets();
  h.complete_map(ms_t, 0, "b");
  REQUIRE(h.num_sets() == sets + 1);
  auto rerun = h.last_set();
  CHECK(rerun.stage == 0);
  CHECK(partitions_of(rerun) == ints({0}));
  CHECK(h.dag.is_waiting(3));
  h.complete_map(rerun, 0, "b");
  auto rs = h.last_set();
  CHECK(rs.stage == 3);
  h.complete_all(rs, "b");
  REQUIRE(w1->done());
  CHECK(w1->wait().values.size() == 2);
}

TEST_CASE("a late fetch failure does not start a concurrent attempt of the "
          "map stage") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto reduced = b.shuffle(src, "sum", hash_spec(2));
  auto s = shuffle_of(b, reduced);
  auto w = h.submit(b.job(reduced, "collect"));
  auto ms = h.set(0);
  h.complete_map(ms, 0, "a");
  h.complete_map(ms, 1, "b");
  auto rs = h.set(1);
  h.fetch_fail(rs, 0, s, 0, "a");
  h.dag.resubmit_failed_stages();
  REQUIRE(h.num_sets() == 3);
  auto ms2 = h.set(2);
  CHECK(ms2.stage == 0);
  CHECK(partitions_of(ms2) == ints({0}));
  // The result stage waits (its latest attempt is still 0) when its other
  // task fails, naming map output 1.
  h.fetch_fail(rs, 1, s, 1, "b");
  CHECK(h.backend.resubmits.size() == 2);
  CHECK_FALSE(h.has_output(s, 1));
  h.dag.resubmit_failed_stages();
  // The map stage is running: no second attempt of it meanwhile.
  CHECK(h.num_sets() == 3);
  CHECK(h.dag.is_running(0));
  // When its attempt ends, the map stage reruns what is still missing.
  h.complete_map(ms2, 0, "c");
  REQUIRE(h.num_sets() == 4);
  auto ms3 = h.set(3);
  CHECK(ms3.stage == 0);
  CHECK(ms3.stage_attempt == 2);
  CHECK(partitions_of(ms3) == ints({1}));
  h.complete_map(ms3, 1, "c");
  REQUIRE(h.num_sets() == 5);
  auto rs2 = h.set(4);
  CHECK(rs2.stage == 1);
  CHECK(rs2.stage_attempt == 1);
  CHECK(partitions_of(rs2) == ints({0, 1}));
  h.complete_all(rs2, "c");
  REQUIRE(w->done());
  CHECK(w->wait().values.size() == 2);
}

TEST_CASE("completions interleaved from two attempts of a map stage "
          "complete it (SPARK-5259)") {
  // src(3) -> s1(3) -> x(3) -> s2(1) -> y(1).
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(3));
  auto x = b.shuffle(src, "sum", hash_spec(3));
  auto y = b.shuffle(x, "sum", hash_spec(1));
  auto s1 = shuffle_of(b, x);
  auto s2 = shuffle_of(b, y);
  auto w = h.submit(b.job(y, "collect"));
  auto first = h.set(0);
  h.complete_map(first, 0, "b");
  h.complete_map(first, 1, "b");
  h.complete_map(first, 2, "a");
  REQUIRE(h.num_sets() == 2);
  auto mid = h.set(1);
  CHECK(mid.stage == 1);
  // "a" dies; a task of stage 1 cannot find map output 2 (no executor known).
  h.dag.executor_lost("a", "killed");
  h.fetch_fail(mid, 0, s1, 2, "");
  h.dag.resubmit_failed_stages();
  REQUIRE(h.num_sets() == 3);
  auto first2 = h.set(2);
  CHECK(first2.stage == 0);
  CHECK(first2.stage_attempt == 1);
  CHECK(partitions_of(first2) == ints({2}));
  h.complete_map(first2, 2, "c");
  REQUIRE(h.num_sets() == 4);
  auto mid2 = h.set(3);
  CHECK(mid2.stage == 1);
  CHECK(mid2.stage_attempt == 1);
  CHECK(partitions_of(mid2) == ints({0, 1, 2}));
  // Two tasks of the new attempt and a late one of the old attempt: every
  // output is there although no attempt completed all its tasks.
  h.complete_map(mid2, 0, "c");
  h.complete_map(mid2, 1, "c");
  CHECK(h.num_sets() == 4);
  h.complete_map(mid, 2, "b");
  CHECK(h.dag.tracker().is_available(s1));
  CHECK(h.dag.tracker().is_available(s2));
  REQUIRE(h.num_sets() == 5);
  auto last = h.set(4);
  CHECK(last.stage == 2);
  CHECK(last.stage_attempt == 0);
  h.complete_all(last, "c");
  REQUIRE(w->done());
}

TEST_CASE("fetch failures spread across stages never abort") {
  chain_job c;
  auto& h = c.h;
  h.complete_all(c.latest(0), "a");
  // Stage 1 fails 3 times in a row, then succeeds.
  for (int i = 0; i < 3; ++i)
    c.fail_once(1, c.s1);
  auto ts = c.latest(1);
  CHECK(ts.stage_attempt == 3);
  h.complete_all(ts, "a");
  // Stage 2 fails 3 times in a row: 6 failures overall, 3 per stage.
  for (int i = 0; i < 3; ++i)
    c.fail_once(2, c.s2);
  CHECK(h.backend.resubmits.size() == 6);
  REQUIRE_FALSE(c.w->done());
  auto last = c.latest(2);
  CHECK(last.stage_attempt == 3);
  h.complete_all(last, "a");
  REQUIRE(c.w->done());
  CHECK(c.w->wait().values[0].to_string() == "p0");
}

TEST_CASE("fetch failures interrupted by a successful attempt never abort") {
  chain_job c;
  auto& h = c.h;
  h.complete_all(c.latest(0), "a");
  // Stage 1 fails 3 times, then succeeds.
  for (int i = 0; i < 3; ++i)
    c.fail_once(1, c.s1);
  h.complete_all(c.latest(1), "a");
  // Stage 2 loses its input: stage 1 runs again...
  h.fetch_fail(c.latest(2), 0, c.s2, 0, "a");
  h.dag.resubmit_failed_stages();
  CHECK(c.latest(1).stage_attempt == 4);
  // ... and fails 3 more times (6 failures of stage 1 in all).
  for (int i = 0; i < 3; ++i)
    c.fail_once(1, c.s1);
  REQUIRE_FALSE(c.w->done());
  h.complete_all(c.latest(1), "a");
  h.complete_all(c.latest(2), "a");
  REQUIRE(c.w->done());
  CHECK(c.w->wait().values[0].to_string() == "p0");
  CHECK(h.backend.resubmits.size() == 7);
}

// -- executor loss ------------------------------------------------------------

TEST_CASE("a late map completion from a lost executor is ignored by epoch") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(3));
  auto reduced = b.shuffle(src, "sum", hash_spec(2));
  auto s = shuffle_of(b, reduced);
  auto w = h.submit(b.job(reduced, "collect"));
  auto ms = h.set(0); // submitted at epoch 0
  CHECK(h.dag.tracker().epoch() == 0);

  SUBCASE("lost after one of its outputs was registered") {
    h.complete_map(ms, 0, "a");
    h.dag.executor_lost("a", "heartbeat timed out");
    CHECK(h.dag.tracker().epoch() > 0);
    CHECK_FALSE(h.has_output(s, 0));
  }
  SUBCASE("lost before any output") {
    h.dag.executor_lost("a", "heartbeat timed out");
    h.complete_map(ms, 0, "a");
    CHECK_FALSE(h.has_output(s, 0));
  }
  // Launched before the loss: ignored.
  h.complete_map(ms, 1, "a");
  CHECK_FALSE(h.has_output(s, 1));
  // A healthy executor's output counts.
  h.complete_map(ms, 2, "b");
  CHECK(h.has_output(s, 2));
  CHECK(h.dag.tracker().num_available_outputs(s) == 1);

  // Every task of attempt 0 ended but two outputs are missing: the stage
  // runs them again.
  REQUIRE(h.num_sets() == 2);
  auto ms2 = h.set(1);
  CHECK(ms2.stage == 0);
  CHECK(ms2.stage_attempt == 1);
  CHECK(partitions_of(ms2) == ints({0, 1}));
  h.complete_map(ms2, 0, "b");
  h.complete_map(ms2, 1, "c");
  REQUIRE(h.num_sets() == 3);
  auto rs = h.set(2);
  CHECK_FALSE(rs.shuffle_map_stage);
  h.complete_all(rs, "b");
  REQUIRE(w->done());
  CHECK(w->wait().values.size() == 2);
}

TEST_CASE("executor loss unregisters its map outputs; a resubmitted map "
          "task must rerun before its stage completes") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(3));
  auto reduced = b.shuffle(src, "sum", hash_spec(2));
  auto other_src = b.source("decode", blobs(1));
  auto other = b.shuffle(other_src, "sum", hash_spec(2));
  auto target = b.union_of({reduced, other});
  auto s = shuffle_of(b, reduced);
  auto s_other = shuffle_of(b, other);
  auto w = h.submit(b.job(target, "collect"));
  REQUIRE(h.num_sets() == 2);
  auto ms = h.set(0);
  auto ms_other = h.set(1);
  REQUIRE(ms.stage == 0);
  REQUIRE(ms_other.stage == 1);
  h.complete_map(ms_other, 0, "a"); // stage 1 done, all on "a"
  h.complete_map(ms, 0, "a");
  h.complete_map(ms, 1, "b");
  auto epoch = h.dag.tracker().epoch();

  h.dag.executor_lost("a", "killed");
  CHECK(h.dag.tracker().epoch() > epoch);
  CHECK_FALSE(h.has_output(s, 0));
  CHECK(h.has_output(s, 1));
  CHECK_FALSE(h.has_output(s_other, 0));

  // The task scheduler resubmits the finished task that ran on "a".
  h.resubmitted(ms, 0);
  h.complete_map(ms, 2, "b");
  CHECK(h.dag.is_running(0));
  CHECK(h.num_sets() == 2);
  CHECK(h.dag.is_waiting(2));
  // Its rerun, in the same task set, completes the stage.
  h.complete_map(ms, 0, "b");
  CHECK(h.has_output(s, 0));
  CHECK_FALSE(h.dag.is_running(0));
  CHECK(h.dag.tracker().is_available(s));
  // Stage 1 lost its only output: it runs again before the result stage.
  REQUIRE(h.num_sets() == 3);
  auto ms_other2 = h.set(2);
  CHECK(ms_other2.stage == 1);
  CHECK(partitions_of(ms_other2) == ints({0}));
  h.complete_map(ms_other2, 0, "b");
  REQUIRE(h.num_sets() == 4);
  auto rs = h.set(3);
  CHECK(rs.stage == 2);
  auto bin = decode_stage_binary(rs.binary.view());
  REQUIRE(bin.outputs_of(s) != nullptr);
  for (auto& st : *bin.outputs_of(s))
    CHECK(st.executor() == "b");
  h.complete_all(rs, "b");
  REQUIRE(w->done());
  CHECK(w->wait().values.size() == 4);
}

// -- failures, cancellation and clean-up ---------------------------------------

TEST_CASE("a failed map stage shared by two jobs fails both jobs") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto reduced = b.shuffle(src, "sum", hash_spec(2));
  auto mapped = b.narrow(reduced, "format");
  auto s = shuffle_of(b, reduced);
  auto w0 = h.submit(b.job(reduced, "collect", "first"));
  auto w1 = h.submit(b.job(mapped, "collect", "second"));
  // One map stage for both jobs, and two result stages waiting for it.
  CHECK(h.dag.num_stages() == 3);
  REQUIRE(h.num_sets() == 1);
  CHECK(h.set(0).stage == 0);
  CHECK(h.dag.find_stage(0)->jobs.size() == 2);
  CHECK(h.dag.is_waiting(1));
  CHECK(h.dag.is_waiting(2));

  h.dag.task_set_failed(0, 0, "Task 1 in stage 0.0 failed 4 times: boom");
  auto e0 = error_of(*w0);
  auto e1 = error_of(*w1);
  CHECK(contains(e0, "Job aborted due to stage failure"));
  CHECK(contains(e0, "boom"));
  CHECK(contains(e1, "Job aborted due to stage failure"));
  CHECK(contains(e1, "boom"));
  CHECK(h.dag.active_jobs() == 0);
  CHECK(h.dag.num_stages() == 0);
  CHECK(h.backend.removed_shuffles == std::vector<shuffle_id>{s});
  CHECK(h.num_sets() == 1);
}

TEST_CASE("a throwing result handler fails its job; the next job runs") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto spec = b.job(src, "collect", "fragile");
  spec.result_handler = [](int, const bytes& value) {
    if (value.to_string() == "bad")
      throw std::runtime_error("cannot parse 'bad'");
  };
  auto w0 = h.submit(std::move(spec));
  auto ts = h.set(0);
  h.complete_result(ts, 0, "good");
  CHECK_FALSE(w0->done());
  h.complete_result(ts, 1, "bad");
  auto error = error_of(*w0);
  CHECK(contains(error, "Job 0"));
  CHECK(contains(error, "result handler"));
  CHECK(contains(error, "cannot parse 'bad'"));
  CHECK(h.dag.active_jobs() == 0);
  CHECK(h.dag.num_stages() == 0);
  // Its stage is dropped; a late completion for it changes nothing.
  REQUIRE(h.backend.cancelled.size() == 1);
  CHECK(h.backend.cancelled[0].stage == 0);
  h.complete_result(ts, 1, "good");

  auto w1 = h.submit(b.job(src, "collect", "next"));
  REQUIRE(h.num_sets() == 2);
  auto ts1 = h.set(1);
  CHECK(ts1.stage == 1);
  CHECK(ts1.priority == 1);
  h.complete_all(ts1, "a");
  REQUIRE(w1->done());
  CHECK(w1->wait().values[1].to_string() == "p1");
}

TEST_CASE("cancelling a job cancels its stages but not shared ones") {
  dag_harness h;
  lineage_builder b;
  auto src_a = b.source("decode", blobs(2));
  auto xa = b.shuffle(src_a, "sum", hash_spec(2));
  auto src_b = b.source("decode", blobs(2));
  auto xb = b.shuffle(src_b, "sum", hash_spec(2));
  auto both = b.union_of({xa, xb});
  auto sa = shuffle_of(b, xa);
  auto sb = shuffle_of(b, xb);
  auto w0 = h.submit(b.job(both, "collect", "both"));
  auto w1 = h.submit(b.job(xb, "collect", "only b"));
  // Job 0: stages 0 (sa) and 1 (sb) run, 2 waits; job 1 shares stage 1 and
  // its result stage 3 waits.
  REQUIRE(h.num_sets() == 2);
  CHECK(h.dag.is_running(0));
  CHECK(h.dag.is_running(1));
  CHECK(h.dag.is_waiting(3));

  h.dag.cancel_job(0, "because the user asked");
  auto error = error_of(*w0);
  CHECK(error.rfind("Job 0 cancelled", 0) == 0);
  CHECK(contains(error, "because the user asked"));
  REQUIRE(h.backend.cancelled.size() == 1);
  CHECK(h.backend.cancelled[0].stage == 0);
  CHECK_FALSE(h.dag.is_running(0));
  CHECK(h.dag.is_running(1));
  CHECK(h.dag.find_stage(0) == nullptr);
  CHECK(h.dag.find_stage(2) == nullptr);
  CHECK(h.backend.removed_shuffles == std::vector<shuffle_id>{sa});
  CHECK(h.dag.active_jobs() == 1);
  CHECK_FALSE(w1->done());

  // Cancelling it again, or an unknown job, does nothing.
  h.dag.cancel_job(0, "again");
  h.dag.cancel_job(42, "never existed");
  CHECK(h.backend.cancelled.size() == 1);

  // Job 1 goes on.
  h.complete_all(h.set(1), "a");
  REQUIRE(h.num_sets() == 3);
  auto rs = h.set(2);
  CHECK(rs.stage == 3);
  // Cancelling job 1 now cancels its running result stage.
  SUBCASE("cancel the other job too") {
    h.dag.cancel_job(1, "");
    CHECK(error_of(*w1) == "Job 1 cancelled");
    REQUIRE(h.backend.cancelled.size() == 2);
    CHECK(h.backend.cancelled[1].stage == 3);
  }
  SUBCASE("let it finish") {
    h.complete_all(rs, "a");
    REQUIRE(w1->done());
    CHECK(w1->wait().values.size() == 2);
    CHECK(h.backend.cancelled.size() == 1);
  }
  CHECK(h.backend.removed_shuffles == std::vector<shuffle_id>{sa, sb});
  CHECK(h.dag.num_stages() == 0);
}

TEST_CASE("a stage shared with a cancelled job runs for the other job "
          "(SPARK-6880)") {
  // src -> s1 -> x -> s2 -> y; jobs 0 and 1 both compute y.
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(1));
  auto x = b.shuffle(src, "sum", hash_spec(1));
  auto y = b.shuffle(x, "sum", hash_spec(1));
  auto s1 = shuffle_of(b, x);
  auto w0 = h.submit(b.job(y, "collect", "job 0"));
  auto w1 = h.submit(b.job(y, "collect", "job 1"));
  REQUIRE(h.num_sets() == 1);
  CHECK(h.set(0).priority == 0);
  h.dag.cancel_job(0, "");
  CHECK(contains(error_of(*w0), "Job 0 cancelled"));
  // Stage 0 still runs for job 1: nothing cancelled.
  CHECK(h.backend.cancelled.empty());
  CHECK(h.dag.is_running(0));
  h.complete_map(h.set(0), 0, "a");
  REQUIRE(h.num_sets() == 2);
  auto mid = h.set(1);
  CHECK(mid.stage == 1);
  CHECK(mid.priority == 1);
  SUBCASE("without failures") {
    h.complete_map(mid, 0, "a");
  }
  SUBCASE("with a fetch failure") {
    h.fetch_fail(mid, 0, s1, 0, "a");
    h.dag.resubmit_failed_stages();
    auto rerun = h.last_set();
    CHECK(rerun.stage == 0);
    CHECK(rerun.stage_attempt == 1);
    CHECK(rerun.priority == 1);
    h.complete_map(rerun, 0, "b");
    auto mid2 = h.last_set();
    CHECK(mid2.stage == 1);
    CHECK(mid2.priority == 1);
    h.complete_map(mid2, 0, "b");
  }
  auto rs = h.last_set();
  CHECK(rs.stage == 3);
  CHECK(rs.priority == 1);
  h.complete_all(rs, "b");
  REQUIRE(w1->done());
  CHECK(w1->wait().values[0].to_string() == "p0");
  CHECK(h.dag.num_stages() == 0);
}

TEST_CASE("a shuffle is removed once no active job needs it") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto reduced = b.shuffle(src, "sum", hash_spec(2));
  auto formatted = b.narrow(reduced, "format");
  auto s = shuffle_of(b, reduced);
  auto w0 = h.submit(b.job(reduced, "collect", "first"));
  auto w1 = h.submit(b.job(formatted, "collect", "second"));
  REQUIRE(h.num_sets() == 1);
  h.complete_all(h.set(0), "a");
  // Both result stages run off the one map stage.
  REQUIRE(h.num_sets() == 3);
  CHECK(h.set(1).stage == 1);
  CHECK(h.set(2).stage == 2);

  h.complete_all(h.set(1), "a");
  REQUIRE(w0->done());
  CHECK(h.backend.removed_shuffles.empty());
  CHECK(h.dag.tracker().contains_shuffle(s));
  CHECK(h.dag.find_stage(0) != nullptr);

  h.complete_all(h.set(2), "a");
  REQUIRE(w1->done());
  CHECK(h.backend.removed_shuffles == std::vector<shuffle_id>{s});
  CHECK_FALSE(h.dag.tracker().contains_shuffle(s));
  CHECK(h.dag.num_stages() == 0);

  // A later job over the same shuffle computes it again.
  auto w2 = h.submit(b.job(reduced, "collect", "third"));
  REQUIRE(h.num_sets() == 4);
  auto ms = h.set(3);
  CHECK(ms.shuffle_map_stage);
  CHECK(partitions_of(ms) == ints({0, 1}));
  h.complete_all(ms, "b");
  h.complete_all(h.last_set(), "b");
  REQUIRE(w2->done());
  CHECK(h.backend.removed_shuffles == std::vector<shuffle_id>{s, s});
}

TEST_CASE("fail_all fails every active job") {
  dag_harness h;
  lineage_builder b;
  auto src = b.source("decode", blobs(2));
  auto w0 = h.submit(b.job(src, "collect"));
  auto w1 = h.submit(b.job(src, "collect"));
  h.dag.fail_all("Ember is stopping");
  CHECK(contains(error_of(*w0), "Ember is stopping"));
  CHECK(contains(error_of(*w1), "Ember is stopping"));
  CHECK(h.dag.active_jobs() == 0);
  CHECK(h.backend.cancelled.size() == 2);
}
