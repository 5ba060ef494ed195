// Message flows of the result-return path on CAF's deterministic scheduler:
// inline results, results through the BlockManager, dropped results, lost
// blocks, and a full disk.

#include "testing/flow_test.hpp"

#include "scheduler/task_result.hpp"
#include "storage/testing/fault_injecting_file_system.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace ember;
using namespace ember::testing;

namespace {

config small_limits() {
  config cfg;
  cfg.max_direct_result_size = 4096;
  cfg.max_result_size = 1 << 20;
  return cfg;
}

} // namespace

TEST_CASE("a small result travels inline in the status update") {
  flow_fixture f{small_limits()};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(sized_job({100}));
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  REQUIRE(res.tasks.size() == 1);
  CHECK(res.tasks[0].metrics.path == result_path::direct);
  CHECK(res.tasks[0].metrics.result_size > 100);
  CHECK(sized_result_ok(res.values[0], 0, 100));
  CHECK(rec->getting_results.empty());
  f.expect_sequence(
    {msg("launch_task").from("driver").to("executor:0").tid(0),
     msg("status_update").from("executor:0").tid(0).state("RUNNING"),
     msg("status_update").from("executor:0").tid(0).state("FINISHED")
       .with("result", "direct"),
     msg("fetch_result").from("driver").to("getter").tid(0),
     msg("result_fetched").from("getter").to("driver").tid(0),
     msg("completion_event").from("driver").to("dag").tid(0)});
  f.expect_none(msg("put_block"));
  f.expect_none(msg("get_block"));
  f.expect_none(msg("result_getting"));
}

TEST_CASE("a result above the direct limit goes through the BlockManager "
          "and its block is removed after the fetch") {
  flow_fixture f{small_limits()};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(sized_job({100'000}));
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(res.tasks[0].metrics.path == result_path::indirect);
  CHECK(res.tasks[0].metrics.result_size > 100'000);
  CHECK(sized_result_ok(res.values[0], 0, 100'000));
  CHECK(rec->getting_results.size() == 1);
  auto block = task_result_block_id(res.tasks[0].tid);
  CHECK_FALSE(f.holds_block("0", block));
  f.expect_sequence(
    {msg("put_block").from("executor:0").to("bm:0").with("block", block),
     msg("put_block_result").from("bm:0").to("executor:0")
       .with("ok", "true"),
     msg("status_update").from("executor:0").tid(0).state("FINISHED")
       .with("result", "indirect").with("block", block),
     msg("fetch_result").to("getter").tid(0),
     msg("result_getting").from("getter").to("driver").tid(0),
     msg("get_block").from("getter").to("bm:0").with("block", block),
     msg("get_block_result").from("bm:0").to("getter")
       .with("found", "true"),
     msg("remove_block").from("getter").to("bm:0").with("block", block),
     msg("result_fetched").from("getter").to("driver").tid(0)});
}

TEST_CASE("the direct limit is the smaller of frame size minus reserve and "
          "max_direct_result_size") {
  config cfg;
  cfg.max_direct_result_size = 1 << 20;
  cfg.frame_size = 300 * 1024;
  cfg.frame_reserved_bytes = 200 * 1024; // limit: 100 KiB
  flow_fixture f{cfg};
  auto waiter = f.submit(sized_job({50 * 1024, 150 * 1024}));
  f.run_until_idle();
  auto res = waiter->wait();
  CHECK(res.tasks[0].metrics.path == result_path::direct);
  CHECK(res.tasks[1].metrics.path == result_path::indirect);
  auto tid0 = res.tasks[0].tid;
  auto tid1 = res.tasks[1].tid;
  f.expect_sequence({msg("status_update").tid(tid0).state("FINISHED")
                       .with("result", "direct")});
  f.expect_sequence({msg("status_update").tid(tid1).state("FINISHED")
                       .with("result", "indirect")});
  expect_count(f.trace(), msg("put_block"), 1);
}

TEST_CASE("a result above max_result_size is dropped and the job aborts") {
  auto cfg = small_limits();
  cfg.max_result_size = 50'000;
  flow_fixture f{cfg};
  auto waiter = f.submit(sized_job({100'000}));
  f.run_until_idle();
  REQUIRE(waiter->done());
  try {
    waiter->wait();
    FAIL("the job should have failed");
  } catch (const job_failed_error& e) {
    std::string what = e.what();
    CHECK(what.find("Total size of serialized results of 1 tasks (")
          != std::string::npos);
    CHECK(what.find(") is bigger than max_result_size (48.8 KiB)")
          != std::string::npos);
  }
  // The executor drops the result: nothing is stored or fetched.
  f.expect_sequence({msg("status_update").tid(0).state("FINISHED")
                       .with("result", "dropped"),
                     msg("fetch_result").to("getter").tid(0),
                     msg("abort_task_set").from("getter").to("driver")});
  f.expect_none(msg("put_block"));
  f.expect_none(msg("get_block"));
}

TEST_CASE("the running total of a task set's results is checked against "
          "max_result_size") {
  auto cfg = small_limits();
  cfg.max_result_size = 250'000; // each result fits, three do not
  flow_fixture f{cfg};
  auto waiter = f.submit(sized_job({100'000, 100'000, 100'000}));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(waiter->wait(),
                       doctest::Contains("Total size of serialized results "
                                         "of 3 tasks"),
                       job_failed_error);
  // The block of the result that tipped the total over is removed too.
  for (task_id tid = 0; tid < 3; ++tid)
    CHECK_FALSE(f.holds_block("0", task_result_block_id(tid)));
  f.expect_sequence({msg("abort_task_set").from("getter").to("driver")});
  expect_count(f.trace(), msg("remove_block").from("getter"), 3);
  expect_count(f.trace(), msg("get_block"), 2);
}

TEST_CASE("a block removed before the fetch gives TaskResultLost and a "
          "successful retry, with exactly two task ids") {
  flow_fixture f{small_limits()};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(sized_job({100'000}));
  f.run_messages();
  f.run_tasks("0");
  // Everything but the result getters: the block is stored and FINISHED
  // reached the driver, which queued the fetch.
  f.run_messages_except("getter");
  REQUIRE(f.holds_block("0", task_result_block_id(0)));
  REQUIRE_FALSE(waiter->done());
  // Remove the block while the fetch waits in the getter's mailbox.
  f.remove_block("0", task_result_block_id(0));
  REQUIRE_FALSE(f.holds_block("0", task_result_block_id(0)));
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(sized_result_ok(res.values[0], 0, 100'000));
  std::set<task_id> tids;
  for (auto& ev : rec->task_starts)
    tids.insert(ev.info.tid);
  CHECK(tids == std::set<task_id>{0, 1});
  REQUIRE(rec->task_ends.size() == 2);
  CHECK(reason_name(rec->task_ends[0].reason) == "TaskResultLost");
  CHECK(reason_name(rec->task_ends[1].reason) == "Success");
  CHECK(res.tasks[0].tid == 1);
  f.expect_sequence(
    {msg("launch_task").to("executor:0").tid(0),
     msg("status_update").tid(0).state("RUNNING"),
     msg("status_update").tid(0).state("FINISHED")
       .with("result", "indirect"),
     msg("remove_block").from("test").to("bm:0"),
     msg("fetch_result").to("getter").tid(0),
     msg("get_block").from("getter").to("bm:0"),
     msg("get_block_result").from("bm:0").to("getter")
       .with("found", "false"),
     msg("task_failed").from("getter").to("driver").tid(0)
       .with("reason", "TaskResultLost"),
     msg("launch_task").to("executor:0").tid(1),
     msg("status_update").tid(1).state("FINISHED"),
     msg("result_fetched").to("driver").tid(1)});
}

TEST_CASE("a full disk while storing a result is a clear task failure") {
  auto cfg = small_limits();
  cfg.storage_memory = 1000; // the result cannot stay in memory
  cfg.max_task_failures = 2;
  flow_fixture f{cfg};
  f.fs().fail_writes();
  auto waiter = f.submit(sized_job({100'000}));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(waiter->wait(),
                       doctest::Contains("No space left on device"),
                       job_failed_error);
  f.expect_sequence(
    {msg("put_block").from("executor:0").to("bm:0"),
     msg("put_block_result").from("bm:0").with("ok", "false"),
     msg("status_update").from("executor:0").tid(0).state("FAILED")
       .with("reason", "ExceptionFailure"),
     msg("launch_task").tid(1),
     msg("status_update").tid(1).state("FAILED")});
  f.expect_none(msg("status_update").state("FINISHED"));
  CHECK(f.fs().injected_failures() >= 2);
}
