// Tests of the task scheduler: offers, task set order, status updates,
// executor loss, cancellation and the lifetime of task sets.

#include "scheduler/task_scheduler.hpp"

#include "scheduler/task_set_manager.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
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

  struct kill {
    executor_id executor;
    task_id tid;
    bool interrupt;
    std::string reason;
  };

  std::vector<task_info> started;
  std::vector<task_info> getting;
  std::vector<completion_event> ended;
  std::vector<failure> failed;
  std::vector<kill> kills;

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

  void kill_task(const executor_id& executor, task_id tid, bool interrupt,
                 const std::string& reason) override {
    kills.push_back({executor, tid, interrupt, reason});
  }
};

task_set make_set(stage_id stage, int n, std::int32_t attempt = 0,
                  job_id priority = 0,
                  std::vector<task_location> prefs = {}) {
  task_set ts;
  ts.stage = stage;
  ts.stage_attempt = attempt;
  ts.priority = priority;
  ts.binary = bytes::copy_of("binary of stage " + std::to_string(stage));
  for (int i = 0; i < n; ++i)
    ts.tasks.push_back(task_spec{i, prefs, {}});
  return ts;
}

std::vector<task_description>
flatten(std::vector<std::vector<task_description>> per_offer) {
  std::vector<task_description> result;
  for (auto& xs : per_offer)
    for (auto& x : xs)
      result.push_back(std::move(x));
  return result;
}

struct fixture {
  fixture() {
    cfg.locality_wait = 3s;
  }

  task_scheduler& sched() {
    if (!sched_)
      sched_ = std::make_unique<task_scheduler>(cfg, events);
    return *sched_;
  }

  /// One offer of `cores` on executor `exec` (host "h<exec>").
  std::vector<task_description> offer(const executor_id& exec, int cores,
                                      time_point now = t0) {
    return flatten(sched().resource_offers({{exec, "h" + exec, cores}}, now));
  }

  void finish(task_id tid, time_point now = t0) {
    auto action = sched().status_update(tid, task_state::finished,
                                        bytes::copy_of("result"), now);
    REQUIRE(action.kind == status_action::fetch_result);
    sched().handle_successful_task(tid, {}, now);
  }

  void fail(task_id tid, task_state state, task_end_reason reason,
            time_point now = t0) {
    auto action = sched().status_update(tid, state, {}, now);
    REQUIRE(action.kind == status_action::decode_failure);
    sched().handle_failed_task(tid, state, std::move(reason), now);
  }

  config cfg;
  recording_events events;
  std::unique_ptr<task_scheduler> sched_;
};

const exception_failure_reason boom{"std::runtime_error", "boom", ""};

} // namespace

TEST_CASE_FIXTURE(fixture, "task sets run in FIFO order of priority, stage") {
  sched().submit_tasks(make_set(3, 1, 0, 1), t0);
  sched().submit_tasks(make_set(7, 1, 0, 0), t0);
  sched().submit_tasks(make_set(2, 1, 0, 1), t0);
  std::vector<stage_id> order;
  for (int i = 0; i < 3; ++i) {
    auto launched = offer("A", 1);
    REQUIRE(launched.size() == 1);
    order.push_back(launched[0].stage);
  }
  CHECK(order == std::vector<stage_id>{7, 2, 3});
}

TEST_CASE_FIXTURE(fixture, "each task takes task_cpus cores of its offer") {
  cfg.task_cpus = 2;
  sched().submit_tasks(make_set(1, 10), t0);
  auto result = sched().resource_offers({{"A", "hA", 3}, {"B", "hB", 4}}, t0);
  REQUIRE(result.size() == 2);
  CHECK(result[0].size() == 1);
  CHECK(result[1].size() == 2);
  for (auto& xs : result)
    for (auto& d : xs)
      CHECK(d.cpus == 2);
  CHECK(sched().running_tasks() == 3);
}

TEST_CASE_FIXTURE(fixture, "task ids are unique and increasing") {
  sched().submit_tasks(make_set(1, 5), t0);
  sched().submit_tasks(make_set(2, 5), t0);
  std::vector<task_id> ids;
  for (int round = 0; round < 4; ++round)
    for (auto& d : flatten(sched().resource_offers(
           {{"A", "hA", 2}, {"B", "hB", 1}}, t0)))
      ids.push_back(d.tid);
  REQUIRE(ids.size() == 10);
  auto sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    CHECK(sorted[i] == static_cast<task_id>(i));
  // A retry gets a new id too.
  fail(ids[0], task_state::failed, boom);
  auto retry = offer("A", 1);
  REQUIRE(retry.size() == 1);
  CHECK(retry[0].tid == 10);
}

TEST_CASE_FIXTURE(fixture, "descriptions share the stage binary") {
  auto ts = make_set(1, 3);
  ts.tasks[1].partition_data = bytes::copy_of("input of partition 1");
  auto binary_id = ts.binary.storage_id();
  auto data_id = ts.tasks[1].partition_data.storage_id();
  sched().submit_tasks(std::move(ts), t0);
  auto launched = offer("A", 3);
  REQUIRE(launched.size() == 3);
  for (auto& d : launched)
    CHECK(d.binary.storage_id() == binary_id);
  CHECK(launched[1].partition_data.storage_id() == data_id);
}

TEST_CASE_FIXTURE(fixture, "shuffled offers keep their order and repeat per "
                           "seed") {
  std::vector<worker_offer> offers;
  for (int i = 0; i < 8; ++i)
    offers.push_back({std::to_string(i), "h" + std::to_string(i), 1});
  auto run = [&](std::uint64_t seed) {
    recording_events ev;
    task_scheduler s{cfg, ev, seed};
    s.submit_tasks(make_set(1, 3), t0);
    auto result = s.resource_offers(offers, t0);
    REQUIRE(result.size() == offers.size());
    std::vector<int> got;
    for (std::size_t i = 0; i < result.size(); ++i) {
      for (auto& d : result[i])
        CHECK(d.executor == offers[i].executor);
      got.push_back(static_cast<int>(result[i].size()));
    }
    return got;
  };
  CHECK(run(42) == run(42));
  // The offers really are shuffled: not always the first three.
  std::set<std::vector<int>> seen;
  for (std::uint64_t seed = 0; seed < 10; ++seed)
    seen.insert(run(seed));
  CHECK(seen.size() > 1);
}

TEST_CASE_FIXTURE(fixture, "only counted failures abort, on the fourth") {
  sched().submit_tasks(make_set(5, 1), t0);
  auto next = [&] {
    auto launched = offer("A", 1);
    REQUIRE(launched.size() == 1);
    return launched[0];
  };
  fail(next().tid, task_state::killed, task_killed_reason{"asked to"});
  fail(next().tid, task_state::lost,
       executor_lost_failure_reason{"A", false, "decommissioned"});
  task_description d;
  for (int i = 0; i < 3; ++i) {
    d = next();
    fail(d.tid, task_state::failed, boom);
  }
  CHECK(sched().manager(5, 0)->failures(0) == 3);
  CHECK(events.failed.empty());
  d = next();
  CHECK(d.attempt == 5);
  fail(d.tid, task_state::failed, boom);
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].reason
        == "Task 0 in stage 5.0 failed 4 times, most recent failure: Lost "
           "task 0.5 in stage 5.0 (TID 5) (hA executor A): "
           "std::runtime_error: boom");
  CHECK(sched().active_task_sets() == 0);
  CHECK(offer("A", 1).empty());
}

TEST_CASE_FIXTURE(fixture, "a fetch failure does not abort the stage") {
  sched().submit_tasks(make_set(5, 2), t0);
  auto launched = offer("A", 1);
  REQUIRE(launched.size() == 1);
  fail(launched[0].tid, task_state::failed,
       fetch_failed_reason{"B", "hB", 0, 0, 0, 0, "gone"});
  CHECK(events.failed.empty());
  CHECK(offer("A", 1).empty()); // a zombie now
  CHECK(sched().active_task_sets() == 0);
}

TEST_CASE_FIXTURE(fixture, "a lost result counts and reruns with a new id") {
  sched().submit_tasks(make_set(1, 1), t0);
  auto first = offer("A", 1);
  REQUIRE(first.size() == 1);
  fail(first[0].tid, task_state::failed, task_result_lost_reason{});
  CHECK(sched().manager(1, 0)->failures(0) == 1);
  auto again = offer("A", 1);
  REQUIRE(again.size() == 1);
  CHECK(again[0].index == 0);
  CHECK(again[0].tid != first[0].tid);
  REQUIRE(events.ended.size() == 1);
  CHECK(std::holds_alternative<task_result_lost_reason>(
    events.ended[0].reason));
}

TEST_CASE_FIXTURE(fixture, "a newer attempt turns the older into a zombie") {
  sched().submit_tasks(make_set(1, 3, 0), t0);
  auto old_task = offer("A", 1);
  REQUIRE(old_task.size() == 1);
  sched().submit_tasks(make_set(1, 3, 1), t0);
  auto* old_tsm = sched().manager(1, 0);
  REQUIRE(old_tsm);
  CHECK(old_tsm->is_zombie());
  CHECK(sched().active_task_sets() == 2);
  auto launched = offer("B", 10);
  CHECK(launched.size() == 3);
  for (auto& d : launched)
    CHECK(d.stage_attempt == 1);
  // The old attempt's task still reports, then the old set goes away.
  finish(old_task[0].tid);
  REQUIRE(events.ended.size() == 1);
  CHECK(events.ended[0].info.stage_attempt == 0);
  CHECK(sched().manager(1, 0) == nullptr);
  CHECK(sched().active_task_sets() == 1);
}

TEST_CASE_FIXTURE(fixture, "an aborted set launches nothing, its tasks still "
                           "report") {
  sched().submit_tasks(make_set(2, 3), t0);
  auto launched = offer("A", 1);
  REQUIRE(launched.size() == 1);
  sched().abort_task_set_of(launched[0].tid, "result too large");
  sched().abort_task_set_of(launched[0].tid, "again");
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].reason == "result too large");
  CHECK(offer("A", 4).empty());
  CHECK_FALSE(sched().has_pending_tasks());
  CHECK(sched().active_task_sets() == 1);
  fail(launched[0].tid, task_state::killed, task_killed_reason{"stop"});
  CHECK(events.ended.size() == 1);
  CHECK(sched().active_task_sets() == 0);
}

TEST_CASE_FIXTURE(fixture, "delay scheduling: PROCESS_LOCAL, NODE_LOCAL, "
                           "then ANY") {
  sched().executor_added("A", "hA", t0);
  sched().executor_added("B", "hB", t0);
  sched().executor_added("C", "hA", t0);
  sched().submit_tasks(make_set(1, 4, 0, 0, {task_location{"hA", "A"}}), t0);
  std::vector<worker_offer> offers{{"B", "hB", 1}, {"C", "hA", 1}};
  CHECK(flatten(sched().resource_offers({{"B", "hB", 1}}, t0 + 2s)).empty());
  auto node = sched().resource_offers(offers, t0 + 3s);
  CHECK(node[0].empty());
  REQUIRE(node[1].size() == 1);
  CHECK(events.started.back().locality == locality_level::node_local);
  CHECK(flatten(sched().resource_offers({{"B", "hB", 1}}, t0 + 5s)).empty());
  auto any = sched().resource_offers({{"B", "hB", 1}}, t0 + 6s);
  REQUIRE(any[0].size() == 1);
  CHECK(events.started.back().locality == locality_level::any);
}

TEST_CASE_FIXTURE(fixture, "a zero process wait goes straight to NODE_LOCAL") {
  cfg.locality_wait_process = 0ms;
  sched().executor_added("A", "hA", t0);
  sched().executor_added("C", "hA", t0);
  sched().submit_tasks(make_set(1, 1, 0, 0, {task_location{"hA", "A"}}), t0);
  // With the default 3s process wait, C would get nothing at t0.
  auto launched = sched().resource_offers({{"C", "hA", 1}}, t0);
  REQUIRE(launched[0].size() == 1);
  CHECK(events.started.back().locality == locality_level::node_local);
}

TEST_CASE_FIXTURE(fixture, "locality levels follow the preferred executor") {
  sched().submit_tasks(make_set(1, 2, 0, 0, {task_location{"hA", "A"}}), t0);
  auto* m = sched().manager(1, 0);
  REQUIRE(m);
  CHECK(m->valid_levels() == std::vector{locality_level::any});
  sched().executor_added("A", "hA", t0);
  CHECK(sched().is_executor_alive("A"));
  CHECK(m->valid_levels()
        == std::vector{locality_level::process_local,
                       locality_level::node_local, locality_level::any});
  sched().executor_lost("A", "gone", false, t0);
  CHECK_FALSE(sched().is_executor_alive("A"));
  CHECK(m->valid_levels() == std::vector{locality_level::any});
}

TEST_CASE_FIXTURE(fixture, "offers register unknown executors") {
  CHECK_FALSE(sched().is_executor_alive("Z"));
  offer("Z", 1);
  CHECK(sched().is_executor_alive("Z"));
}

TEST_CASE_FIXTURE(fixture, "status updates tell the driver what to do") {
  sched().submit_tasks(make_set(1, 3), t0);
  auto launched = offer("A", 3);
  REQUIRE(launched.size() == 3);
  // Unknown task: nothing.
  CHECK(sched().status_update(99, task_state::finished, {}, t0).kind
        == status_action::none);
  auto running = sched().status_update(launched[0].tid, task_state::running,
                                       {}, t0);
  CHECK(running.kind == status_action::none);
  CHECK(sched().executor_of(launched[0].tid) == executor_id{"A"});
  auto payload = bytes::copy_of("result bytes");
  auto fetch = sched().status_update(launched[0].tid, task_state::finished,
                                     payload, t0);
  CHECK(fetch.kind == status_action::fetch_result);
  CHECK(fetch.tid == launched[0].tid);
  CHECK(fetch.executor == "A");
  CHECK(fetch.payload.storage_id() == payload.storage_id());
  CHECK(fetch.budget == sched().manager(1, 0)->budget());
  CHECK_FALSE(sched().executor_of(launched[0].tid));
  CHECK(sched().running_tasks() == 2);
  // A duplicate terminal update: nothing.
  CHECK(sched().status_update(launched[0].tid, task_state::finished, {}, t0)
          .kind
        == status_action::none);
  auto failed = sched().status_update(launched[1].tid, task_state::failed, {},
                                      t0);
  CHECK(failed.kind == status_action::decode_failure);
  CHECK_FALSE(failed.remove_executor);
  auto lost = sched().status_update(launched[2].tid, task_state::lost, {}, t0);
  CHECK(lost.kind == status_action::decode_failure);
  CHECK(lost.remove_executor);
  CHECK(sched().running_tasks() == 0);
}

TEST_CASE_FIXTURE(fixture, "getting a result is reported") {
  sched().submit_tasks(make_set(1, 1), t0);
  auto launched = offer("A", 1);
  REQUIRE(launched.size() == 1);
  sched().status_update(launched[0].tid, task_state::finished, {}, t0);
  sched().handle_task_getting_result(launched[0].tid, t0 + 1s);
  REQUIRE(events.getting.size() == 1);
  CHECK(events.getting[0].getting_result_time == t0 + 1s);
}

TEST_CASE_FIXTURE(fixture, "a lost executor fails its tasks and resubmits "
                           "shuffle output") {
  auto ts = make_set(4, 3);
  ts.shuffle_map_stage = true;
  sched().submit_tasks(std::move(ts), t0);
  auto on_a = sched().resource_offers({{"A", "hA", 2}}, t0)[0];
  auto on_b = sched().resource_offers({{"B", "hB", 1}}, t0)[0];
  REQUIRE(on_a.size() == 2);
  REQUIRE(on_b.size() == 1);
  finish(on_a[0].tid);
  sched().executor_lost("A", "worker died", false, t0);
  CHECK_FALSE(sched().is_executor_alive("A"));
  REQUIRE(events.ended.size() == 3);
  CHECK(std::holds_alternative<resubmitted_reason>(events.ended[1].reason));
  CHECK(events.ended[1].info.index == on_a[0].index);
  auto& lost = events.ended[2];
  CHECK(lost.info.tid == on_a[1].tid);
  CHECK(lost.info.state == task_state::lost);
  CHECK(std::holds_alternative<executor_lost_failure_reason>(lost.reason));
  CHECK(sched().manager(4, 0)->failures(on_a[1].index) == 0);
  CHECK(sched().running_tasks() == 1);
  CHECK_FALSE(sched().executor_of(on_a[1].tid));
  // The late status of a failed attempt is ignored.
  CHECK(sched().status_update(on_a[1].tid, task_state::failed, {}, t0).kind
        == status_action::none);
  // Both of A's tasks run again.
  CHECK(offer("C", 4).size() == 2);
}

TEST_CASE_FIXTURE(fixture, "cancelling a stage kills its tasks and fails it") {
  sched().submit_tasks(make_set(3, 4), t0);
  auto launched = offer("A", 2);
  REQUIRE(launched.size() == 2);
  sched().cancel_tasks(3, true, "job 1 cancelled by user");
  REQUIRE(events.kills.size() == 2);
  CHECK(events.kills[0].executor == "A");
  CHECK(events.kills[0].tid == launched[0].tid);
  CHECK(events.kills[0].interrupt);
  CHECK(events.kills[1].tid == launched[1].tid);
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].stage == 3);
  CHECK(events.failed[0].reason
        == "Stage 3 cancelled: job 1 cancelled by user");
  CHECK(offer("A", 2).empty());
  for (auto& d : launched)
    fail(d.tid, task_state::killed, task_killed_reason{"cancelled"});
  CHECK(sched().active_task_sets() == 0);
}

TEST_CASE_FIXTURE(fixture, "cancelling without a reason") {
  sched().submit_tasks(make_set(8, 1), t0);
  sched().cancel_tasks(8, false, "");
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].reason == "Stage 8 cancelled");
  CHECK(sched().active_task_sets() == 0);
}

TEST_CASE_FIXTURE(fixture, "killing all attempts keeps the stage") {
  sched().submit_tasks(make_set(3, 4), t0);
  auto launched = offer("A", 2);
  sched().kill_all_task_attempts(3, false, "speculation");
  CHECK(events.kills.size() == 2);
  CHECK(events.failed.empty());
  CHECK(sched().active_task_sets() == 1);
  CHECK(sched().has_pending_tasks());
  CHECK(offer("B", 2).size() == 2);
}

TEST_CASE_FIXTURE(fixture, "killing one attempt needs it running") {
  sched().submit_tasks(make_set(3, 1), t0);
  auto launched = offer("A", 1);
  REQUIRE(launched.size() == 1);
  CHECK(sched().kill_task_attempt(launched[0].tid, true, "why"));
  REQUIRE(events.kills.size() == 1);
  CHECK(events.kills[0].reason == "why");
  sched().status_update(launched[0].tid, task_state::killed, {}, t0);
  CHECK_FALSE(sched().kill_task_attempt(launched[0].tid, true, "why"));
  CHECK_FALSE(sched().kill_task_attempt(12345, true, "why"));
}

TEST_CASE_FIXTURE(fixture, "an oversize task aborts its set") {
  cfg.frame_size = 1000;
  auto ts = make_set(6, 2);
  ts.binary = bytes{std::string(1001, 'x')};
  sched().submit_tasks(std::move(ts), t0);
  CHECK(offer("A", 2).empty());
  REQUIRE(events.failed.size() == 1);
  CHECK(events.failed[0].reason
        == "Serialized task 6.0:0 was 1001 bytes, which exceeds max allowed: "
           "frame_size (1000 bytes). Consider increasing frame_size or using "
           "broadcast variables for large values.");
  CHECK(events.started.empty());
  CHECK(sched().active_task_sets() == 0);
}

TEST_CASE_FIXTURE(fixture, "a completed set is removed once nothing runs") {
  sched().submit_tasks(make_set(1, 2), t0);
  sched().submit_tasks(make_set(2, 1), t0);
  auto launched = offer("A", 3);
  REQUIRE(launched.size() == 3);
  CHECK(sched().active_task_sets() == 2);
  finish(launched[0].tid);
  CHECK(sched().active_task_sets() == 2);
  finish(launched[1].tid);
  CHECK(sched().active_task_sets() == 1);
  CHECK(sched().manager(1, 0) == nullptr);
  finish(launched[2].tid);
  CHECK(sched().active_task_sets() == 0);
  CHECK(sched().running_tasks() == 0);
  CHECK(events.ended.size() == 3);
  CHECK(events.failed.empty());
}

TEST_CASE_FIXTURE(fixture, "partition completions reach every attempt") {
  sched().submit_tasks(make_set(1, 2, 0), t0);
  auto old_task = offer("A", 1);
  REQUIRE(old_task.size() == 1);
  sched().submit_tasks(make_set(1, 2, 1), t0);
  finish(old_task[0].tid);
  sched().notify_partition_completion(1, old_task[0].partition);
  auto launched = offer("B", 2);
  REQUIRE(launched.size() == 1);
  CHECK(launched[0].partition != old_task[0].partition);
  finish(launched[0].tid);
  CHECK(sched().active_task_sets() == 0);
}

TEST_CASE_FIXTURE(fixture, "many tasks launch in rounds without repeats") {
  constexpr int n = 100'000;
  sched().submit_tasks(make_set(1, n), t0);
  std::vector<worker_offer> offers;
  for (int i = 0; i < 16; ++i)
    offers.push_back({std::to_string(i), "h" + std::to_string(i % 4), 64});
  std::vector<char> seen(n, 0);
  int launched = 0;
  int repeats = 0;
  while (sched().has_pending_tasks()) {
    auto batch = flatten(sched().resource_offers(offers, t0));
    REQUIRE(!batch.empty());
    for (auto& d : batch) {
      repeats += seen[d.index];
      seen[d.index] = 1;
      ++launched;
      sched().status_update(d.tid, task_state::finished, {}, t0);
      sched().handle_successful_task(d.tid, {}, t0);
    }
  }
  CHECK(launched == n);
  CHECK(repeats == 0);
  CHECK(sched().active_task_sets() == 0);
}
