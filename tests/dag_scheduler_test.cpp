// Tests of the DAG scheduler's logic without actors (modelled on Spark's
// DAGSchedulerSuite): jobs go to a dag_scheduler whose backend records its
// decisions (task sets, stage cancellations, resubmission timers, shuffle
// removals); task ends, executor losses and task set failures are injected
// by hand. Nothing runs: the functions the lineages name are never looked
// up.

// Jobs, stages and shuffles.

#include "dag_test_util.hpp"

using namespace ember;
using namespace ember::dag_test;
using namespace std::chrono_literals;

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
