#pragma once
// A deterministic Ember for message-flow tests: the driver, the DAG
// scheduler and N executors in one actor system on CAF's test scheduler,
// with manual task runners (tasks run only when the test says so) and a
// clock that moves only when the test advances it.

#include "actors/task_runner_pool.hpp"
#include "api/local_runtime.hpp"
#include "common/config.hpp"
#include "scheduler/listener_bus.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace ember::testing {

inline caf::actor_system_config& test_system_config(
  caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  return cfg;
}

/// The name of the actor behind a scheduler job (empty if not an actor).
inline std::string actor_name(caf::resumable* job) {
  if (auto* a = dynamic_cast<caf::local_actor*>(job))
    return a->name();
  return {};
}

struct flow_fixture {
  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<listener_bus> bus = std::make_shared<listener_bus>();
  std::map<executor_id, std::shared_ptr<manual_task_runner_pool>> pools;
  std::unique_ptr<local_runtime> rt;

  explicit flow_fixture(config cfg, int executors = 1, int cores = 2,
                        std::shared_ptr<file_system> fs = nullptr)
    : sys(test_system_config(sys_cfg)),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(
        sys.scheduler())) {
    cfg.executor_cores = cores;
    runtime_options opts;
    opts.cfg = cfg;
    opts.executors = executors;
    opts.bus = bus;
    opts.fs = std::move(fs);
    opts.make_pool = [this](const executor_id& id, int) {
      auto pool = std::make_shared<manual_task_runner_pool>();
      pools[id] = pool;
      return pool;
    };
    rt = std::make_unique<local_runtime>(sys, std::move(opts));
    run_messages();
  }

  ~flow_fixture() {
    rt->stop();
    run_messages();
    bus->drain();
  }

  /// Delivers messages until no actor has work.
  std::size_t run_messages() {
    return sched.run();
  }

  /// Delivers messages to every actor whose name is not `name`.
  std::size_t run_except(const std::string& name) {
    std::size_t total = 0;
    for (;;) {
      auto n = sched.run_jobs_filtered(
        [&](caf::resumable* job) { return actor_name(job) != name; });
      if (n == 0)
        return total;
      total += n;
    }
  }

  /// Runs queued tasks and delivers messages until everything is quiet.
  void run() {
    for (;;) {
      run_messages();
      std::size_t ran = 0;
      for (auto& [id, pool] : pools)
        ran += pool->run_all();
      if (ran == 0 && !sched.has_job())
        break;
    }
    bus->drain();
  }

  /// Moves the clock forward, firing due timers, then delivers messages.
  void advance(std::chrono::milliseconds d) {
    sched.clock().advance_time(d);
    run_messages();
  }

  manual_task_runner_pool& pool(const executor_id& id) {
    return *pools.at(id);
  }
};

/// Records every listener event (synchronous bus: call bus->drain()).
struct recording_listener : listener {
  std::vector<task_end> task_ends;
  std::vector<job_end> job_ends;
  std::vector<task_start> task_starts;
  std::vector<task_getting_result> getting_results;

  void on_task_end(const task_end& ev) override {
    task_ends.push_back(ev);
  }
  void on_job_end(const job_end& ev) override {
    job_ends.push_back(ev);
  }
  void on_task_start(const task_start& ev) override {
    task_starts.push_back(ev);
  }
  void on_task_getting_result(const task_getting_result& ev) override {
    getting_results.push_back(ev);
  }
};

} // namespace ember::testing
