// Multi-stage flows on the flow fixture: a word count whose reduce tasks
// fetch map output from every BlockManager, an executor lost during the
// fetch (FetchFailed, the map stage resubmitted after resubmit_delay), and
// that faulty job giving the same trace 50 times.

#include "test_lineage_functions.hpp"
#include "testing/flow_test.hpp"

#include "api/lineage_builder.hpp"
#include "common/serialization.hpp"
#include "scheduler/partitioner.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <doctest/doctest.h>

#include <map>

using namespace ember;
using namespace ember::testing;

namespace {

const std::vector<std::string>& lines() {
  static const auto result = generated_lines(40, 7);
  return result;
}

/// Word count: 4 map tasks, a shuffle, 2 reduce tasks. Built once: shuffle
/// ids are unique per process, so a new lineage would get new ones.
const job_spec& word_count_job() {
  static const job_spec spec = [] {
    lineage_builder b;
    auto src = b.parallelize("t_lines", lines(), 4);
    auto pairs = b.narrow(b.narrow(src, "t_split"), "t_pair_one");
    auto counts = b.shuffle(pairs, "t_sum_by_word",
                            hash_partitioner{2}.spec());
    return b.job(counts, "t_collect_wc");
  }();
  return spec;
}

std::map<std::string, std::int64_t> counts_of(const job_result& res) {
  std::map<std::string, std::int64_t> out;
  for (auto& v : res.values)
    for (auto& [w, c] : decode<std::vector<word_count>>(v.view()))
      out[w] += c;
  return out;
}

/// Runs until the job is done, letting the resubmit timer fire.
void run_job(flow_fixture& f, const std::shared_ptr<job_waiter>& waiter) {
  f.run_until_idle();
  for (int i = 0; i < 10 && !waiter->done(); ++i) {
    f.advance(config{}.resubmit_delay);
    f.run_until_idle();
  }
  REQUIRE(waiter->done());
}

} // namespace

TEST_CASE("reduce tasks fetch map output from every BlockManager") {
  flow_fixture f{config{}, 2, 2};
  auto waiter = f.submit(word_count_job());
  run_job(f, waiter);
  CHECK(counts_of(waiter->wait()) == reference_word_count(lines()));
  f.expect_sequence(
    {msg("submit_task_set").from("dag").to("driver").with("stage", "0.0")
       .with("tasks", "4"),
     msg("put_block").from("executor:0").to("bm:0"),
     msg("submit_task_set").from("dag").to("driver").with("stage", "1.0")
       .with("tasks", "2"),
     msg("get_block").from("executor:0").to("bm:1"),
     msg("remove_shuffle").from("dag").to("driver")});
  f.expect_sequence({msg("submit_task_set").with("stage", "1.0"),
                     msg("get_block").from("executor:1").to("bm:0")});
  f.expect_none(msg("status_update").state("FAILED"));
}

TEST_CASE("a reduce task fetches and folds its blocks in bounded batches") {
  config cfg;
  cfg.max_reqs_in_flight = 1; // one block per batch
  flow_fixture f{cfg, 1, 1};
  auto waiter = f.submit(word_count_job());
  // Run until the first reduce task has fetched its first batch.
  for (int i = 0; i < 100; ++i) {
    f.run_messages();
    if (count(f.trace(), msg("get_block")) > 0)
      break;
    f.run_task("0");
  }
  REQUIRE(count(f.trace(), msg("get_block")) == 1);
  // Its next fetch waits until the runner has folded the batch in.
  REQUIRE(f.queued_tasks("0") == 1);
  f.run_messages();
  CHECK(count(f.trace(), msg("get_block")) == 1);
  f.run_task("0");
  f.run_messages();
  CHECK(count(f.trace(), msg("shuffle_batch_consumed")) == 1);
  CHECK(count(f.trace(), msg("get_block")) == 2);
  run_job(f, waiter);
  CHECK(counts_of(waiter->wait()) == reference_word_count(lines()));
  // Every block went through its own batch.
  CHECK(count(f.trace(), msg("shuffle_batch_consumed"))
        == count(f.trace(), msg("get_block")));
}

namespace {

/// The word count with executor 0 lost while executor 1 fetches from it.
std::string lost_executor_run() {
  flow_fixture f{config{}, 2, 2};
  f.faults().lose_executor_before(
    "0", msg("get_block").from("executor:1").to("bm:0"));
  auto waiter = f.submit(word_count_job());
  run_job(f, waiter);
  CHECK(counts_of(waiter->wait()) == reference_word_count(lines()));
  f.expect_sequence(
    {msg("exit").from("test").to("executor:0"),
     msg("error").from("bm:0").to("executor:1"),
     msg("status_update").from("executor:1").state("FAILED")
       .with("reason", "FetchFailed"),
     msg("resubmit_failed_stages").from("dag").to("dag"),
     msg("submit_task_set").with("stage", "0.1"),
     msg("submit_task_set").with("stage", "1.1"),
     msg("completion_event").with("reason", "Success")});
  f.expect_none(msg().to("executor:0").with("stage", "0.1"));
  return f.trace().to_text() + render_mermaid(f.trace())
         + render_svg(f.trace());
}

} // namespace

TEST_CASE("an executor lost during the shuffle fetch: FetchFailed, and the "
          "map stage runs again") {
  auto text = lost_executor_run();
  CHECK(text.find("reason=FetchFailed") != std::string::npos);
}

TEST_CASE("the multi-stage job with a lost executor gives byte-identical "
          "traces 50 times") {
  auto first = lost_executor_run();
  for (int i = 1; i < 50; ++i)
    REQUIRE(lost_executor_run() == first);
}
