// Fault injection in flow tests: dropped, delayed and held-by-time
// messages, a block removed before its fetch, lost executors, hanging and
// throwing tasks, and a faulty run that gives the same trace every time.

#include "testing/flow_test.hpp"

#include <doctest/doctest.h>

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

TEST_CASE("a dropped FINISHED update leaves the job waiting") {
  flow_fixture f{config{}};
  f.faults().drop(msg("status_update").tid(0).state("FINISHED"));
  auto waiter = f.submit(value_job(1));
  f.run_until_idle();
  CHECK_FALSE(waiter->done());
  auto dropped = find_all(f.trace(), msg().as(delivery::dropped));
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].type == "status_update");
  CHECK(*dropped[0].field("state") == "FINISHED");
  CHECK(dropped[0].to_string().find("[dropped]") != std::string::npos);
  f.expect_none(msg("fetch_result"));
  f.expect_none(msg("completion_event"));
  CHECK(f.faults().pending() == 0);
}

TEST_CASE("a delayed message comes back after the given number of steps") {
  flow_fixture f{config{}};
  f.faults().delay(msg("status_update").tid(0).state("FINISHED"), 3);
  auto waiter = f.submit(value_job(3));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0, 10, 20});
  auto seq = f.expect_sequence(
    {msg("status_update").tid(0).state("FINISHED").as(delivery::held),
     msg("status_update").tid(0).state("FINISHED").as(delivery::delivered)});
  CHECK(seq[1].step > seq[0].step + 3);
  // tid 1 finished in between: the update was overtaken.
  f.expect_sequence({msg("status_update").tid(0).as(delivery::held),
                     msg("status_update").tid(1).state("FINISHED"),
                     msg("status_update").tid(0).state("FINISHED")});
}

TEST_CASE("a message delayed by time waits for the clock") {
  flow_fixture f{config{}};
  f.faults().delay_for(msg("status_update").tid(0).state("FINISHED"),
                       std::chrono::seconds{1});
  auto waiter = f.submit(value_job(1));
  f.run_until_idle();
  CHECK_FALSE(waiter->done());
  CHECK(f.pending().empty()); // held, not waiting in a mailbox
  f.advance(std::chrono::milliseconds{999});
  CHECK_FALSE(waiter->done());
  f.advance(std::chrono::milliseconds{1});
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto delivered
    = find_all(f.trace(), msg("status_update").state("FINISHED")
                            .as(delivery::delivered));
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].time_ms == 1000);
}

TEST_CASE("removing a result block before its fetch gives TaskResultLost "
          "and a retry with a new task id") {
  flow_fixture f{small_limits()};
  f.faults().remove_block_before(msg("get_block").from("getter"));
  auto waiter = f.submit(sized_job({100'000}));
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(res.tasks[0].tid == 1);
  CHECK(sized_result_ok(res.values[0], 0, 100'000));
  f.expect_sequence(
    {msg("launch_task").from("driver").to("executor:0").tid(0),
     msg("status_update").from("executor:0").tid(0).state("RUNNING"),
     msg("status_update").from("executor:0").tid(0).state("FINISHED")
       .with("result", "indirect"),
     msg("remove_block").from("test").to("bm:0")
       .with("block", "taskresult_0"),
     msg("get_block").from("getter").to("bm:0")
       .with("block", "taskresult_0"),
     msg("get_block_result").from("bm:0").to("getter")
       .with("found", "false"),
     msg("task_failed").from("getter").to("driver").tid(0)
       .with("reason", "TaskResultLost"),
     msg("launch_task").from("driver").to("executor:0").tid(1),
     msg("status_update").tid(1).state("FINISHED"),
     msg("get_block").from("getter").with("block", "taskresult_1"),
     msg("get_block_result").with("found", "true"),
     msg("result_fetched").to("driver").tid(1)});
}

TEST_CASE("an executor lost before its RUNNING update reaches the driver") {
  flow_fixture f{config{}, 2, 1};
  f.faults().lose_executor_before(
    "0", msg("status_update").from("executor:0").state("RUNNING"));
  auto waiter = f.submit(value_job(2));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0, 10});
  f.expect_sequence(
    {msg("exit").from("test").to("executor:0").with("reason", "kill"),
     msg("exit").from("test").to("bm:0").with("reason", "kill"),
     msg("status_update").from("executor:0").state("RUNNING"),
     msg("down").from("executor:0").to("driver").with("reason", "kill"),
     msg("executor_lost_event").to("dag").with("executor", "0")});
  f.expect_sequence(
    {msg("down").from("executor:0").to("driver"),
     msg("completion_event").tid(0).with("reason", "ExecutorLostFailure")});
  expect_count(f.trace(), msg("launch_task").to("executor:1"), 2);
  f.expect_none(msg("status_update").from("executor:0").state("FINISHED"));
}

TEST_CASE("an executor lost at a chosen step") {
  std::size_t launch_step = 0;
  {
    flow_fixture f{config{}, 2, 1};
    f.submit(value_job(2));
    f.run_until_idle();
    launch_step = f.expect_sequence({msg("launch_task").to("executor:0")})[0]
                    .step;
  }
  flow_fixture f{config{}, 2, 1};
  f.faults().lose_executor_at_step("0", launch_step);
  auto waiter = f.submit(value_job(2));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0, 10});
  auto seq = f.expect_sequence({msg("launch_task").to("executor:0"),
                                msg("exit").to("executor:0")});
  CHECK(seq[0].step == launch_step);
  CHECK(seq[1].step == launch_step + 1);
  CHECK(f.queued_tasks("0") == 0);
}

TEST_CASE("a hanging task never reports") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(1));
  f.run_messages();
  REQUIRE(f.hang_task("0"));
  CHECK_FALSE(f.hang_task("0"));
  f.run_until_idle();
  CHECK_FALSE(waiter->done());
  f.expect_sequence({msg("status_update").tid(0).state("RUNNING")});
  f.expect_none(msg("task_finished"));
  f.expect_none(msg("status_update").state("FINISHED"));
}

TEST_CASE("a task that throws once is retried and succeeds") {
  flow_fixture f{config{}};
  auto waiter = f.submit(throwing_job(1, "flaky", 1));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0});
  f.expect_sequence(
    {msg("status_update").tid(0).state("FAILED")
       .with("reason", "ExceptionFailure"),
     msg("decode_failure").to("getter").tid(0),
     msg("task_failed").to("driver").tid(0),
     msg("launch_task").tid(1),
     msg("status_update").tid(1).state("FINISHED")});
}

namespace {

/// A two-executor job with a lost result block (one retry) and a delayed
/// update; returns its trace as text, Mermaid and SVG.
std::string faulty_run() {
  flow_fixture f{small_limits(), 2, 2};
  f.faults()
    .remove_block_before(msg("get_block").from("getter"))
    .delay(msg("status_update").state("RUNNING"), 2, 3);
  std::vector<std::int64_t> sizes{100, 100'000, 200, 100'000};
  auto waiter = f.submit(sized_job(sizes));
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  for (std::size_t p = 0; p < sizes.size(); ++p)
    CHECK(sized_result_ok(res.values[p], static_cast<int>(p), sizes[p]));
  expect_count(f.trace(), msg("task_failed").with("reason", "TaskResultLost"),
               1);
  expect_count(f.trace(), msg().as(delivery::held), 1);
  return f.trace().to_text() + render_mermaid(f.trace())
         + render_svg(f.trace());
}

} // namespace

TEST_CASE("the same faulty job gives byte-identical traces 50 times") {
  auto first = faulty_run();
  CHECK(first.find("TaskResultLost") != std::string::npos);
  for (int i = 1; i < 50; ++i) {
    auto again = faulty_run();
    REQUIRE(again == first);
  }
}
