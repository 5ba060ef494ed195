// Message flows of scheduling on CAF's deterministic scheduler: cores
// accounting, retries and aborts, kills, delay scheduling, unknown and
// duplicate executors.

#include "flow_fixture.hpp"
#include "test_tasks.hpp"

#include "common/serialization.hpp"
#include "scheduler/task_result.hpp"

#include <doctest/doctest.h>

using namespace ember;
using namespace ember::testing;

namespace {

job_spec times_job(int partitions, std::int64_t factor = 10) {
  job_spec spec;
  spec.name = "times";
  spec.function = "times_task";
  spec.args = encode(factor);
  spec.num_partitions = partitions;
  return spec;
}

job_spec throwing_job(int partitions, std::string message) {
  job_spec spec;
  spec.name = "throwing";
  spec.function = "throwing_task";
  spec.args = encode(message);
  spec.num_partitions = partitions;
  return spec;
}

std::vector<std::int64_t> values_of(const job_result& res) {
  std::vector<std::int64_t> out;
  for (auto& v : res.values)
    out.push_back(decode<std::int64_t>(v.view()));
  return out;
}

} // namespace

TEST_CASE("a job runs every partition once and merges accumulators once") {
  flow_fixture f{config{}, 2, 2};
  auto waiter = f.rt->submit(times_job(7));
  f.run();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(values_of(res) == std::vector<std::int64_t>{0, 10, 20, 30, 40, 50,
                                                    60});
  CHECK(res.accumulators.at(7) == 7);
}

TEST_CASE("a zero-partition job ends at once") {
  flow_fixture f{config{}};
  auto waiter = f.rt->submit(times_job(0));
  f.run_messages();
  REQUIRE(waiter->done());
  CHECK(waiter->wait().values.empty());
}

TEST_CASE("cores are accounted per task with task_cpus = 2") {
  config cfg;
  cfg.task_cpus = 2;
  flow_fixture f{cfg, 1, 5}; // 5 cores: two tasks at a time
  auto waiter = f.rt->submit(times_job(5));
  f.run_messages();
  CHECK(f.pool("0").pending() == 2);
  // Finishing one task frees two cores: exactly one more launches.
  f.pool("0").run_one();
  f.run_messages();
  CHECK(f.pool("0").pending() == 2);
  f.pool("0").run_one();
  f.pool("0").run_one();
  f.run_messages();
  CHECK(f.pool("0").pending() == 2);
  f.run();
  REQUIRE(waiter->done());
  CHECK(values_of(waiter->wait()).size() == 5);
}

TEST_CASE("the fourth counted failure aborts the job with Spark's message") {
  flow_fixture f{config{}};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(throwing_job(1, "boom"));
  f.run();
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
}

TEST_CASE("killed attempts do not count towards max_task_failures") {
  config cfg;
  cfg.max_task_failures = 2;
  flow_fixture f{cfg};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(times_job(1));
  f.run_messages();
  // Kill five attempts in a row while they wait to run.
  for (task_id tid = 0; tid < 5; ++tid) {
    REQUIRE(f.pool("0").pending() == 1);
    caf::anon_send(f.rt->executors()[0].backend,
                   kill_task{tid, true, "test kill"});
    f.run_messages();
    f.pool("0").run_one(); // reports KILLED
    f.run_messages();
  }
  f.run();
  REQUIRE(waiter->done());
  CHECK(values_of(waiter->wait()) == std::vector<std::int64_t>{0});
  REQUIRE(rec->task_ends.size() == 6);
  auto* killed = std::get_if<task_killed_reason>(&rec->task_ends[0].reason);
  REQUIRE(killed != nullptr);
  CHECK(killed->reason == "test kill");
  CHECK(rec->task_ends[0].info.state == task_state::killed);
}

TEST_CASE("delay scheduling waits locality_wait before giving a task to a "
          "non-preferred executor") {
  config cfg;
  cfg.locality_wait = std::chrono::seconds{3};
  flow_fixture f{cfg, 2, 1};
  auto spec = times_job(2);
  // Both tasks prefer executor 0 (on a host no executor runs on, so only
  // PROCESS_LOCAL and ANY are valid levels).
  spec.preferred_locations = {{{"hostA", "0"}}, {{"hostA", "0"}}};
  auto waiter = f.rt->submit(std::move(spec));
  f.run_messages();
  CHECK(f.pool("0").pending() == 1);
  CHECK(f.pool("1").pending() == 0);
  f.advance(std::chrono::seconds{2});
  CHECK(f.pool("1").pending() == 0);
  f.advance(std::chrono::seconds{2});
  CHECK(f.pool("1").pending() == 1);
  f.run();
  REQUIRE(waiter->done());
  CHECK(values_of(waiter->wait()) == std::vector<std::int64_t>{0, 10});
}

TEST_CASE("status updates from unknown executors are ignored") {
  flow_fixture f{config{}};
  auto waiter = f.rt->submit(times_job(1));
  f.run_messages();
  direct_result_writer w;
  encode_into(w.value_buffer(), std::int64_t{999});
  auto fake = bytes{std::move(w).finish({}, {})};
  caf::anon_send(f.rt->driver(),
                 status_update{"ghost", 0, task_state::finished, fake});
  f.run_messages();
  CHECK_FALSE(waiter->done());
  f.run();
  REQUIRE(waiter->done());
  CHECK(values_of(waiter->wait()) == std::vector<std::int64_t>{0});
}

TEST_CASE("a status update for a task that does not run on the sender is "
          "ignored") {
  flow_fixture f{config{}, 2, 1};
  auto waiter = f.rt->submit(times_job(1));
  f.run_messages();
  auto runs_on_0 = f.pool("0").pending() == 1;
  auto other = runs_on_0 ? executor_id{"1"} : executor_id{"0"};
  caf::anon_send(f.rt->driver(),
                 status_update{other, 0, task_state::failed, bytes{}});
  f.run_messages();
  f.run();
  REQUIRE(waiter->done());
  CHECK(values_of(waiter->wait()) == std::vector<std::int64_t>{0});
}

TEST_CASE("a duplicate executor id is refused with a clear error") {
  flow_fixture f{config{}};
  bool called = false;
  bool ok = true;
  std::string error;
  f.rt->add_executor("0", 2, [&](bool k, const std::string& e) {
    called = true;
    ok = k;
    error = e;
  });
  f.run_messages();
  REQUIRE(called);
  CHECK_FALSE(ok);
  CHECK(error == "Duplicate executor ID: 0");
}

TEST_CASE("a lost executor's running tasks run again elsewhere") {
  flow_fixture f{config{}, 2, 1};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(times_job(2));
  f.run_messages();
  REQUIRE(f.pool("0").pending() == 1);
  // Executor 0 dies with its task queued.
  caf::anon_send_exit(f.rt->executors()[0].backend,
                      caf::exit_reason::kill);
  f.run_messages();
  f.pool("0").shutdown();
  f.run();
  REQUIRE(waiter->done());
  CHECK(values_of(waiter->wait()) == std::vector<std::int64_t>{0, 10});
  bool saw_loss = false;
  for (auto& ev : rec->task_ends)
    saw_loss = saw_loss || reason_name(ev.reason) == "ExecutorLostFailure";
  CHECK(saw_loss);
}

TEST_CASE("cancelling a job kills its running tasks") {
  flow_fixture f{config{}};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(times_job(2));
  f.run_messages();
  f.rt->cancel(0, "by test");
  f.run();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(waiter->wait(), "Job 0 cancelled by test",
                       job_failed_error);
  int killed = 0;
  for (auto& ev : rec->task_ends)
    killed += reason_name(ev.reason) == "TaskKilled" ? 1 : 0;
  CHECK(killed == 2);
}
