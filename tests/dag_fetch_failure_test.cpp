// The DAG scheduler on fetch failures: resubmission, older attempts,
// consecutive-failure aborts.

#include "dag_test_util.hpp"

using namespace ember;
using namespace ember::dag_test;
using namespace std::chrono_literals;

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
