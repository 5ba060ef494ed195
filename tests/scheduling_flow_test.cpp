// Message flows of scheduling on CAF's deterministic scheduler: cores
// accounting, retries and aborts, kills, delay scheduling, unknown and
// duplicate executors.

#include "testing/flow_test.hpp"

#include "actors/executor_backend.hpp"
#include "api/local_runtime.hpp"
#include "api/function_registry.hpp"
#include "common/serialization.hpp"
#include "scheduler/task_result.hpp"

#include <doctest/doctest.h>

using namespace ember;
using namespace ember::testing;

TEST_CASE("a job runs every partition once and merges accumulators once") {
  flow_fixture f{config{}, 2, 2};
  auto waiter = f.submit(value_job(7));
  f.run_until_idle();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(int_values(res)
        == std::vector<std::int64_t>{0, 10, 20, 30, 40, 50, 60});
  CHECK(res.accumulators.at(7) == 7);
  // Each partition ran once (tids 0..6), on one of the two executors.
  for (task_id tid = 0; tid < 7; ++tid)
    expect_count(f.trace(), msg("launch_task").from("driver").tid(tid), 1);
  expect_count(f.trace(), msg("status_update").state("FINISHED"), 7);
  CHECK(count(f.trace(), msg("launch_task").to("executor:0")) > 0);
  CHECK(count(f.trace(), msg("launch_task").to("executor:1")) > 0);
}

TEST_CASE("a zero-partition job ends at once") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(0));
  f.run_messages();
  REQUIRE(waiter->done());
  CHECK(waiter->wait().values.empty());
  f.expect_none(msg("launch_task"));
}

TEST_CASE("cores are accounted per task with task_cpus = 2") {
  config cfg;
  cfg.task_cpus = 2;
  flow_fixture f{cfg, 1, 5}; // 5 cores: two tasks at a time
  auto waiter = f.submit(value_job(5));
  f.run_messages();
  CHECK(f.queued_tasks("0") == 2);
  f.expect_sequence({msg("launch_task").to("executor:0")
                       .with("tid", "0").with("tid", "1")});
  // Finishing one task frees two cores: exactly one more launches.
  f.run_task("0");
  f.run_messages();
  CHECK(f.queued_tasks("0") == 2);
  f.run_task("0");
  f.run_task("0");
  f.run_messages();
  CHECK(f.queued_tasks("0") == 2);
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()).size() == 5);
  for (auto& ev : find_all(f.trace(), msg("launch_task")))
    CHECK(ev.field("tid")->size() <= 3); // never more than two tids
}

TEST_CASE("the fourth counted failure aborts the job with Spark's message") {
  flow_fixture f{config{}};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(throwing_job(1, "boom"));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(
    waiter->wait(),
    doctest::Contains("Task 0 in stage 0.0 failed 4 times, most recent "
                      "failure: Lost task 0.3 in stage 0.0 (TID 3)"),
    job_failed_error);
  CHECK(rec->task_ends.size() == 4);
  CHECK_THROWS_WITH_AS(waiter->wait(),
                       doctest::Contains("std::runtime_error: boom"),
                       job_failed_error);
  expect_count(f.trace(),
               msg("status_update").state("FAILED")
                 .with("reason", "ExceptionFailure"),
               4);
  f.expect_sequence({msg("decode_failure").to("getter").tid(3),
                     msg("task_failed").from("getter").tid(3),
                     msg("task_set_failed_event").from("driver").to("dag")});
  f.expect_none(msg("launch_task").tid(4));
}

TEST_CASE("killed attempts do not count towards max_task_failures") {
  config cfg;
  cfg.max_task_failures = 2;
  flow_fixture f{cfg};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(value_job(1));
  f.run_messages();
  // Kill five attempts in a row while they wait to run.
  for (task_id tid = 0; tid < 5; ++tid) {
    REQUIRE(f.queued_tasks("0") == 1);
    f.kill_task("0", tid, "test kill");
    f.run_messages();
    f.run_task("0"); // reports KILLED
    f.run_messages();
  }
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0});
  REQUIRE(rec->task_ends.size() == 6);
  auto* killed = std::get_if<task_killed_reason>(&rec->task_ends[0].reason);
  REQUIRE(killed != nullptr);
  CHECK(killed->reason == "test kill");
  CHECK(rec->task_ends[0].info.state == task_state::killed);
  expect_count(f.trace(), msg("kill_task").from("test").to("executor:0"), 5);
  expect_count(f.trace(),
               msg("status_update").state("KILLED")
                 .with("reason", "TaskKilled"),
               5);
}

TEST_CASE("delay scheduling waits locality_wait before giving a task to a "
          "non-preferred executor") {
  config cfg;
  cfg.locality_wait = std::chrono::seconds{3};
  flow_fixture f{cfg, 2, 1};
  auto spec = value_job(2);
  // Both tasks prefer executor 0 (on a host no executor runs on, so only
  // PROCESS_LOCAL and ANY are valid levels).
  spec.preferred_locations = {{{"hostA", "0"}}, {{"hostA", "0"}}};
  auto waiter = f.submit(std::move(spec));
  f.run_messages();
  CHECK(f.queued_tasks("0") == 1);
  CHECK(f.queued_tasks("1") == 0);
  f.advance(std::chrono::seconds{2});
  CHECK(f.queued_tasks("1") == 0);
  f.advance(std::chrono::seconds{2});
  CHECK(f.queued_tasks("1") == 1);
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0, 10});
  // The launch on executor 1 follows a revive round after the wait.
  auto seq = f.expect_sequence(
    {msg("launch_task").to("executor:0"),
     msg("revive_offers").from("driver").to("driver"),
     msg("launch_task").to("executor:1")});
  CHECK(seq[0].time_ms == 0);
  CHECK(seq[2].time_ms >= 3000);
}

TEST_CASE("status updates from unknown executors are ignored") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(1));
  f.run_messages();
  direct_result_writer w;
  encode_into(w.value_buffer(), std::int64_t{999});
  f.send_status_update("ghost", 0, task_state::finished,
                       bytes{std::move(w).finish({}, {})});
  f.run_messages();
  CHECK_FALSE(waiter->done());
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0});
  f.expect_sequence({msg("status_update").from("test").to("driver")
                       .with("executor", "ghost")});
  f.expect_none(msg("fetch_result").with("executor", "ghost"));
}

TEST_CASE("a status update for a task that does not run on the sender is "
          "ignored") {
  flow_fixture f{config{}, 2, 1};
  auto waiter = f.submit(value_job(1));
  f.run_messages();
  auto runs_on_0 = f.queued_tasks("0") == 1;
  auto other = runs_on_0 ? executor_id{"1"} : executor_id{"0"};
  f.send_status_update(other, 0, task_state::failed, bytes{});
  f.run_messages();
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0});
  f.expect_none(msg("decode_failure"));
  f.expect_none(msg("launch_task").tid(1));
}

TEST_CASE("a duplicate executor id is refused with a clear error") {
  flow_fixture f{config{}};
  bool called = false;
  bool ok = true;
  std::string error;
  f.add_executor("0", 2, [&](bool k, const std::string& e) {
    called = true;
    ok = k;
    error = e;
  });
  f.run_messages();
  REQUIRE(called);
  CHECK_FALSE(ok);
  CHECK(error == "Duplicate executor ID: 0");
  f.expect_sequence(
    {msg("register_executor").to("driver").with("executor", "0"),
     msg("register_executor_reply").from("driver").with("ok", "false")});
  f.expect_none(msg("executor_added_event"));
}

TEST_CASE("an executor whose function registry differs is refused") {
  flow_fixture f{config{}};
  bool called = false;
  bool ok = true;
  std::string error;
  executor_options eo;
  eo.id = "rogue";
  eo.cores = 2;
  eo.driver = f.runtime().driver();
  eo.pool = std::make_shared<manual_task_runner_pool>();
  eo.registry_fingerprint = local_registry_fingerprint() ^ 0x1;
  eo.on_registered = [&](bool k, const std::string& e) {
    called = true;
    ok = k;
    error = e;
  };
  spawn_executor(f.system(), std::move(eo));
  f.run_until_idle();
  REQUIRE(called);
  CHECK_FALSE(ok);
  CHECK(error.find("Function registry mismatch: executor rogue") == 0);
  // It never gets a task: a job runs on executor 0 only.
  auto waiter = f.submit(value_job(3));
  f.run_until_idle();
  REQUIRE(waiter->done());
  for (auto& t : waiter->wait().tasks)
    CHECK(t.executor == "0");
}

TEST_CASE("a lost executor's running tasks run again elsewhere") {
  flow_fixture f{config{}, 2, 1};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(value_job(2));
  f.run_messages();
  REQUIRE(f.queued_tasks("0") == 1);
  // Executor 0 dies with its task queued.
  f.lose_executor("0");
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(int_values(waiter->wait()) == std::vector<std::int64_t>{0, 10});
  bool saw_loss = false;
  for (auto& ev : rec->task_ends)
    saw_loss = saw_loss || reason_name(ev.reason) == "ExecutorLostFailure";
  CHECK(saw_loss);
  f.expect_sequence(
    {msg("exit").from("test").to("executor:0").with("reason", "kill"),
     msg("down").from("executor:0").to("driver"),
     msg("executor_lost_event").from("driver").to("dag")
       .with("executor", "0"),
     msg("launch_task").to("executor:1")});
  f.expect_none(msg("status_update").from("executor:0").state("FINISHED"));
}

TEST_CASE("cancelling a job kills its running tasks") {
  flow_fixture f{config{}};
  auto rec = std::make_shared<recording_listener>();
  f.bus().add_listener(rec);
  auto waiter = f.submit(value_job(2));
  f.run_messages();
  f.cancel(0, "by test");
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(waiter->wait(), "Job 0 cancelled by test",
                       job_failed_error);
  int killed = 0;
  for (auto& ev : rec->task_ends)
    killed += reason_name(ev.reason) == "TaskKilled" ? 1 : 0;
  CHECK(killed == 2);
  f.expect_sequence({msg("cancel_job").from("test").to("dag"),
                     msg("cancel_stage").from("dag").to("driver"),
                     msg("kill_task").from("driver").to("executor:0")});
  expect_count(f.trace(), msg("kill_task").from("driver"), 2);
}
