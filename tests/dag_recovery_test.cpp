// The DAG scheduler on executor loss, shared and failed stages,
// cancellation and shuffle clean-up.

#include "dag_test_util.hpp"

using namespace ember;
using namespace ember::dag_test;
using namespace std::chrono_literals;

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
