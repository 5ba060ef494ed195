// Tests of one task set manager driven directly: delay scheduling, retries,
// aborts, zombies and executor loss.

#include "scheduler/task_set_manager.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace ember;
using namespace std::chrono_literals;

namespace {

using time_point = std::chrono::steady_clock::time_point;

const time_point t0 = time_point{} + 1000s;

struct recording_events : task_scheduler_events {
  struct failure {
    stage_id stage;
    std::int32_t attempt;
    std::string reason;
  };

  std::vector<task_info> started;
  std::vector<task_info> getting;
  std::vector<completion_event> ended;
  std::vector<failure> failed;
  std::vector<task_id> killed;

  void task_started(const task_info& info) override {
    started.push_back(info);
  }

  void task_getting_result(const task_info& info) override {
    getting.push_back(info);
  }

  void task_ended(completion_event ev) override {
    ended.push_back(std::move(ev));
  }

  void task_set_failed(stage_id stage, std::int32_t attempt,
                       const std::string& reason) override {
    failed.push_back({stage, attempt, reason});
  }

  void kill_task(const executor_id&, task_id tid, bool,
                 const std::string&) override {
    killed.push_back(tid);
  }
};

/// `n` tasks of stage `stage`, partition i at index i, preferring `prefs`.
task_set make_set(stage_id stage, int n,
                  std::vector<task_location> prefs = {}) {
  task_set ts;
  ts.stage = stage;
  ts.binary = bytes::copy_of("binary");
  for (int i = 0; i < n; ++i)
    ts.tasks.push_back(task_spec{i, prefs, {}});
  return ts;
}

struct fixture {
  fixture() : ctx(cfg_with_defaults(), events) {
  }

  static config cfg_with_defaults() {
    config cfg;
    cfg.locality_wait = 3s;
    return cfg;
  }

  std::unique_ptr<task_set_manager> make(task_set ts, time_point now = t0) {
    return std::make_unique<task_set_manager>(std::move(ts), ctx, now);
  }

  /// Launches one task on `exec`@`host` at any level, ignoring delays.
  task_description launch(task_set_manager& m, const executor_id& exec,
                          const std::string& host, time_point now = t0) {
    auto desc = m.resource_offer(exec, host, locality_level::no_pref, now);
    if (!desc)
      desc = m.resource_offer(exec, host, locality_level::any, now + 1h);
    REQUIRE(desc);
    return *desc;
  }

  void fail(task_set_manager& m, task_id tid, task_state state,
            task_end_reason reason) {
    m.status_update(tid, state);
    REQUIRE(m.handle_failed_task(tid, state, std::move(reason), t0));
  }

  recording_events events;
  scheduler_context ctx;
};

const exception_failure_reason boom{"std::runtime_error", "boom", ""};

} // namespace

TEST_CASE_FIXTURE(fixture, "tasks launch lowest index first with new ids") {
  auto m = make(make_set(4, 3));
  for (int i = 0; i < 3; ++i) {
    auto d = m->resource_offer("A", "hA", locality_level::any, t0);
    REQUIRE(d);
    CHECK(d->index == i);
    CHECK(d->partition == i);
    CHECK(d->tid == i);
    CHECK(d->attempt == 0);
    CHECK(d->stage == 4);
    CHECK(d->executor == "A");
  }
  CHECK_FALSE(m->resource_offer("A", "hA", locality_level::any, t0));
  CHECK(ctx.next_tid == 3);
  REQUIRE(events.started.size() == 3);
  CHECK(events.started[1].tid == 1);
  CHECK(events.started[1].state == task_state::launching);
  CHECK(events.started[1].launch_time == t0);
  CHECK(events.started[1].host == "hA");
  CHECK(m->running_count() == 3);
  CHECK_FALSE(m->has_pending_tasks());
}

TEST_CASE_FIXTURE(fixture, "a launched task shares the binary and its data") {
  auto ts = make_set(1, 1);
  ts.tasks[0].partition_data = bytes::copy_of("partition input");
  auto binary_id = ts.binary.storage_id();
  auto data_id = ts.tasks[0].partition_data.storage_id();
  auto m = make(std::move(ts));
  auto d = launch(*m, "A", "hA");
  CHECK(d.binary.storage_id() == binary_id);
  CHECK(d.partition_data.storage_id() == data_id);
  CHECK(d.serialized_size() == 6 + 15);
}

TEST_CASE_FIXTURE(fixture, "delay scheduling waits before each farther level") {
  ctx.executors.add("A", "hA");
  ctx.executors.add("B", "hB");
  ctx.executors.add("C", "hA");
  auto m = make(make_set(1, 4, {task_location{"hA", "A"}}));
  CHECK(m->valid_levels()
        == std::vector{locality_level::process_local,
                       locality_level::node_local, locality_level::any});
  // Only B offers: nothing until the process wait (3s) has passed.
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::any, t0));
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::any, t0 + 2999ms));
  CHECK(m->allowed_locality_level(t0 + 2999ms)
        == locality_level::process_local);
  // Now NODE_LOCAL: B's host has no task, C shares A's host.
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::any, t0 + 3s));
  auto d = m->resource_offer("C", "hA", locality_level::any, t0 + 3s);
  REQUIRE(d);
  CHECK(events.started.back().locality == locality_level::node_local);
  // The launch restarted the node wait: ANY only 3s later.
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::any, t0 + 5999ms));
  REQUIRE(m->resource_offer("B", "hB", locality_level::any, t0 + 6s));
  CHECK(events.started.back().locality == locality_level::any);
  // The preferred executor always gets its local tasks.
  REQUIRE(m->resource_offer("A", "hA", locality_level::any, t0 + 6s));
  CHECK(events.started.back().locality == locality_level::process_local);
}

TEST_CASE_FIXTURE(fixture, "per-level waits override locality_wait") {
  ctx.cfg.locality_wait_process = 0ms;
  ctx.cfg.locality_wait_node = 10s;
  ctx.executors.add("A", "hA");
  ctx.executors.add("B", "hB");
  auto m = make(make_set(1, 2, {task_location{"hA", "A"}}));
  CHECK(m->allowed_locality_level(t0) == locality_level::node_local);
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::any, t0 + 9s));
  REQUIRE(m->resource_offer("B", "hB", locality_level::any, t0 + 10s));
  CHECK(events.started.back().locality == locality_level::any);
}

TEST_CASE_FIXTURE(fixture, "a level without pending tasks is skipped at once") {
  ctx.executors.add("A", "hA");
  auto ts = make_set(1, 2);
  ts.tasks[0].preferred = {task_location{"hA", "A"}};
  auto m = make(std::move(ts));
  CHECK(m->valid_levels()
        == std::vector{locality_level::process_local,
                       locality_level::node_local, locality_level::no_pref,
                       locality_level::any});
  REQUIRE(m->resource_offer("A", "hA", locality_level::process_local, t0));
  // No task left for PROCESS_LOCAL or NODE_LOCAL, and NO_PREF waits 0.
  CHECK(m->allowed_locality_level(t0) == locality_level::any);
  REQUIRE(m->resource_offer("B", "hB", locality_level::any, t0));
}

TEST_CASE_FIXTURE(fixture, "a NO_PREF round launches only no-pref tasks") {
  ctx.executors.add("A", "hA");
  auto ts = make_set(1, 2);
  ts.tasks[0].preferred = {task_location{"hA", "A"}};
  auto m = make(std::move(ts));
  auto d = m->resource_offer("B", "hB", locality_level::no_pref, t0 + 2s);
  REQUIRE(d);
  CHECK(d->index == 1);
  // As in Spark, a task without preferences reports PROCESS_LOCAL.
  CHECK(events.started.back().locality == locality_level::process_local);
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::no_pref, t0 + 1h));
  // ...and the launch did not restart the wait, which began at t0.
  CHECK(m->allowed_locality_level(t0 + 3s) == locality_level::node_local);
}

TEST_CASE_FIXTURE(fixture, "tasks preferring dead executors run at ANY") {
  auto m = make(make_set(1, 1, {task_location{"hA", "A"}}));
  CHECK(m->valid_levels() == std::vector{locality_level::any});
  REQUIRE(m->resource_offer("B", "hB", locality_level::any, t0));
  CHECK(events.started.back().locality == locality_level::any);
}

TEST_CASE_FIXTURE(fixture, "valid levels follow executors coming and going") {
  auto m = make(make_set(1, 2, {task_location{"hA", "A"}}));
  CHECK(m->valid_levels() == std::vector{locality_level::any});
  ctx.executors.add("A", "hA");
  m->recompute_locality();
  CHECK(m->valid_levels()
        == std::vector{locality_level::process_local,
                       locality_level::node_local, locality_level::any});
  // A better level appeared: delay scheduling starts over there.
  CHECK(m->current_locality_level() == locality_level::process_local);
  ctx.executors.remove("A");
  m->recompute_locality();
  CHECK(m->valid_levels() == std::vector{locality_level::any});
  CHECK(m->current_locality_level() == locality_level::any);
}

TEST_CASE_FIXTURE(fixture, "racks come from the resolver") {
  ctx.executors.set_rack_resolver(
    [](const std::string& host) -> std::optional<std::string> {
      if (host == "hA" || host == "hX")
        return "r1";
      return std::nullopt;
    });
  ctx.executors.add("X", "hX");
  auto m = make(make_set(1, 2, {task_location{"hA", ""}}));
  CHECK(m->valid_levels()
        == std::vector{locality_level::rack_local, locality_level::any});
  CHECK_FALSE(m->resource_offer("B", "hB", locality_level::any, t0));
  REQUIRE(m->resource_offer("X", "hX", locality_level::any, t0));
  CHECK(events.started.back().locality == locality_level::rack_local);
}

TEST_CASE_FIXTURE(fixture, "status updates end running but keep the attempt") {
  auto m = make(make_set(1, 1));
  auto d = launch(*m, "A", "hA");
  REQUIRE(m->status_update(d.tid, task_state::running));
  CHECK(m->info(d.tid)->state == task_state::running);
  CHECK(m->running_executor(d.tid) == executor_id{"A"});
  REQUIRE(m->status_update(d.tid, task_state::finished));
  CHECK(m->running_count() == 0);
  CHECK_FALSE(m->running_executor(d.tid));
  CHECK(m->info(d.tid) != nullptr);
  // A second terminal update is a duplicate.
  CHECK(m->status_update(d.tid, task_state::failed) == nullptr);
  CHECK(m->status_update(99, task_state::running) == nullptr);
}

TEST_CASE_FIXTURE(fixture, "success reports task_ended and finishes the set") {
  auto m = make(make_set(1, 2));
  auto d0 = launch(*m, "A", "hA");
  auto d1 = launch(*m, "A", "hA");
  m->status_update(d0.tid, task_state::finished);
  direct_task_result result;
  result.value = bytes::copy_of("42");
  result.accum_updates = {{7, 3}};
  auto value_id = result.value.storage_id();
  REQUIRE(m->handle_successful_task(d0.tid, result, t0 + 1s));
  REQUIRE(events.ended.size() == 1);
  auto& ev = events.ended[0];
  CHECK(std::holds_alternative<success_reason>(ev.reason));
  CHECK(ev.value.storage_id() == value_id);
  CHECK(ev.accum_updates == std::vector<accumulator_update>{{7, 3}});
  CHECK(ev.info.state == task_state::finished);
  CHECK(ev.info.finish_time == t0 + 1s);
  CHECK(m->tasks_successful() == 1);
  CHECK_FALSE(m->is_zombie());
  // Handled once only.
  CHECK_FALSE(m->handle_successful_task(d0.tid, result, t0));
  m->status_update(d1.tid, task_state::finished);
  REQUIRE(m->handle_successful_task(d1.tid, result, t0));
  CHECK(m->is_zombie());
  CHECK(m->is_finished());
  CHECK(events.failed.empty());
}

TEST_CASE_FIXTURE(fixture, "the fourth counted failure aborts the task set") {
  ctx.cfg.max_task_failures = 4;
  auto m = make(make_set(5, 1));
  task_description d;
  for (int i = 0; i < 3; ++i) {
    d = launch(*m, "A", "hA");
    CHECK(d.attempt == i);
    fail(*m, d.tid, task_state::failed, boom);
    CHECK(m->failures(0) == i + 1);
    CHECK(events.failed.empty());
    CHECK(m->has_pending_tasks());
  }
  d = launch(*m, "A", "hA");
  fail(*m, d.tid, task_state::failed, boom);
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].stage == 5);
  CHECK(events.failed[0].reason
        == "Task 0 in stage 5.0 failed 4 times, most recent failure: Lost "
           "task 0.3 in stage 5.0 (TID 3) (hA executor A): "
           "std::runtime_error: boom");
  CHECK(events.ended.size() == 4);
  CHECK(m->is_zombie());
  CHECK(m->is_aborted());
  CHECK(m->is_finished());
  CHECK_FALSE(m->resource_offer("A", "hA", locality_level::any, t0 + 1h));
}

TEST_CASE_FIXTURE(fixture, "kills and executor losses not caused by the app "
                           "do not count") {
  ctx.cfg.max_task_failures = 2;
  auto m = make(make_set(1, 1));
  for (int i = 0; i < 3; ++i) {
    auto d = launch(*m, "A", "hA");
    fail(*m, d.tid, task_state::killed, task_killed_reason{"stop"});
  }
  for (int i = 0; i < 3; ++i) {
    auto d = launch(*m, "A", "hA");
    fail(*m, d.tid, task_state::lost,
         executor_lost_failure_reason{"A", false, "gone"});
  }
  CHECK(m->failures(0) == 0);
  auto d = launch(*m, "A", "hA");
  CHECK(d.attempt == 6);
  fail(*m, d.tid, task_state::lost,
       executor_lost_failure_reason{"A", true, "oom"});
  CHECK(m->failures(0) == 1);
  CHECK(events.failed.empty());
  CHECK(events.ended.size() == 7);
}

TEST_CASE_FIXTURE(fixture, "a lost result counts and the task runs again") {
  auto m = make(make_set(1, 1));
  auto first = launch(*m, "A", "hA");
  fail(*m, first.tid, task_state::failed, task_result_lost_reason{});
  CHECK(m->failures(0) == 1);
  auto again = launch(*m, "B", "hB");
  CHECK(again.index == 0);
  CHECK(again.tid != first.tid);
  CHECK(again.attempt == 1);
}

TEST_CASE_FIXTURE(fixture, "a fetch failure makes a zombie without aborting") {
  auto m = make(make_set(1, 3));
  auto d0 = launch(*m, "A", "hA");
  auto d1 = launch(*m, "A", "hA");
  fail(*m, d0.tid, task_state::failed,
       fetch_failed_reason{"B", "hB", 0, 1, 1, 0, "missing"});
  CHECK(m->is_zombie());
  CHECK_FALSE(m->is_aborted());
  CHECK(events.failed.empty());
  CHECK(m->failures(0) == 0);
  CHECK_FALSE(m->resource_offer("A", "hA", locality_level::any, t0 + 1h));
  // The running attempt still reports.
  m->status_update(d1.tid, task_state::finished);
  CHECK(m->handle_successful_task(d1.tid, {}, t0));
  CHECK(events.ended.size() == 2);
  CHECK(m->is_finished());
}

TEST_CASE_FIXTURE(fixture, "a zombie launches nothing but its tasks report") {
  auto m = make(make_set(1, 2));
  auto d = launch(*m, "A", "hA");
  m->make_zombie();
  CHECK_FALSE(m->has_pending_tasks());
  CHECK_FALSE(m->resource_offer("A", "hA", locality_level::any, t0 + 1h));
  CHECK_FALSE(m->is_finished());
  m->status_update(d.tid, task_state::failed);
  REQUIRE(m->handle_failed_task(d.tid, task_state::failed, boom, t0));
  CHECK(events.ended.size() == 1);
  CHECK(m->failures(0) == 0); // zombies count no failures (as in Spark)
  CHECK(m->is_finished());
}

TEST_CASE_FIXTURE(fixture, "abort fails the stage once") {
  auto m = make(make_set(1, 1));
  m->abort("first");
  m->abort("second");
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].reason == "first");
  CHECK(m->is_zombie());
}

TEST_CASE_FIXTURE(fixture, "a task larger than frame_size aborts the set") {
  ctx.cfg.frame_size = 100;
  auto ts = make_set(2, 2);
  ts.binary = bytes{std::string(80, 'b')};
  ts.tasks[0].partition_data = bytes{std::string(30, 'p')};
  auto m = make(std::move(ts));
  CHECK_FALSE(m->resource_offer("A", "hA", locality_level::any, t0));
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].reason
        == "Serialized task 2.0:0 was 110 bytes, which exceeds max allowed: "
           "frame_size (100 bytes). Consider increasing frame_size or using "
           "broadcast variables for large values.");
  CHECK(events.started.empty());
  CHECK(ctx.next_tid == 0);
  CHECK(m->is_finished());
}

TEST_CASE_FIXTURE(fixture, "a lost executor fails its attempts and resubmits "
                           "its shuffle output") {
  auto ts = make_set(3, 3);
  ts.shuffle_map_stage = true;
  auto m = make(std::move(ts));
  auto d0 = launch(*m, "A", "hA");
  auto d1 = launch(*m, "B", "hB");
  auto d2 = launch(*m, "A", "hA");
  for (auto tid : {d0.tid, d1.tid}) {
    m->status_update(tid, task_state::finished);
    m->handle_successful_task(tid, {}, t0);
  }
  CHECK(m->tasks_successful() == 2);
  auto failed = m->executor_lost("A", "heartbeat timeout", true, t0 + 1s);
  CHECK(failed == std::vector<task_id>{d2.tid});
  REQUIRE(events.ended.size() == 4);
  auto& resubmitted = events.ended[2];
  CHECK(std::holds_alternative<resubmitted_reason>(resubmitted.reason));
  CHECK(resubmitted.info.tid == d0.tid);
  CHECK(resubmitted.info.index == 0);
  CHECK(resubmitted.info.executor == "A");
  auto& lost = events.ended[3];
  CHECK(lost.info.tid == d2.tid);
  CHECK(lost.info.state == task_state::lost);
  auto* reason = std::get_if<executor_lost_failure_reason>(&lost.reason);
  REQUIRE(reason);
  CHECK(reason->executor == "A");
  CHECK(reason->exit_caused_by_app);
  CHECK(reason->reason == "heartbeat timeout");
  CHECK(m->failures(2) == 1);
  CHECK(m->tasks_successful() == 1);
  CHECK(m->successful(1));
  // Tasks 0 and 2 run again.
  CHECK(launch(*m, "B", "hB").index == 2);
  CHECK(launch(*m, "B", "hB").index == 0);
}

TEST_CASE_FIXTURE(fixture, "a lost executor resubmits nothing for a result "
                           "stage") {
  auto m = make(make_set(3, 1));
  auto d = launch(*m, "A", "hA");
  m->status_update(d.tid, task_state::finished);
  m->handle_successful_task(d.tid, {}, t0);
  CHECK(m->executor_lost("A", "gone", true, t0).empty());
  CHECK(events.ended.size() == 1);
  CHECK(m->tasks_successful() == 1);
}

TEST_CASE_FIXTURE(fixture, "partitions completed elsewhere are not launched") {
  auto ts = make_set(1, 3);
  for (auto& t : ts.tasks)
    t.partition += 10; // partitions 10, 11, 12
  auto m = make(std::move(ts));
  m->mark_partition_completed(10);
  m->mark_partition_completed(99); // not in this set: ignored
  CHECK(m->tasks_successful() == 1);
  CHECK(launch(*m, "A", "hA").partition == 11);
  m->mark_partition_completed(12);
  CHECK_FALSE(m->has_pending_tasks());
  m->mark_partition_completed(11); // running attempt still reports later
  CHECK(m->is_zombie());
  CHECK_FALSE(m->is_finished());
}

TEST_CASE_FIXTURE(fixture, "the result budget uses max_result_size") {
  ctx.cfg.max_result_size = 1234;
  auto m = make(make_set(1, 1));
  REQUIRE(m->budget());
  CHECK(m->budget()->limit() == 1234);
}
