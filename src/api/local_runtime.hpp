#pragma once
// Ember's actors in an actor system you own: a DAG scheduler, a driver
// with its TaskResultGetter pool, and N executors, each with a BlockManager
// and a task-runner pool.
//
// This is how a CAF application embeds Ember (see examples/embed_in_caf.cpp)
// and how tests run it on CAF's deterministic scheduler with manual task
// runners. `ember::engine` wraps it with its own actor system.

#include "actors/actor_types.hpp"
#include "actors/task_runner_pool.hpp"
#include "common/config.hpp"
#include "scheduler/job_spec.hpp"
#include "scheduler/job_waiter.hpp"

#include <caf/fwd.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ember {

class file_system;
class listener_bus;

struct runtime_options {
  config cfg;
  /// Executors to start now (ids "0", "1", ...); each gets
  /// cfg.executor_cores cores (0: the machine's hardware threads).
  int executors = 1;
  /// Makes each executor's task-runner pool; default: a thread pool with
  /// one thread per core.
  std::function<std::shared_ptr<task_runner_pool>(const executor_id&, int)>
    make_pool;
  /// The disk stores' file system; default: the real one.
  std::shared_ptr<file_system> fs;
  /// Receives listener events; may be null.
  std::shared_ptr<listener_bus> bus;
  /// Seed for shuffling offers.
  std::uint64_t seed = 0x5eed;
};

/// The handles of one executor.
struct executor_handles {
  executor_id id;
  executor_actor backend;
  caf::actor block_manager;
  std::shared_ptr<task_runner_pool> pool;
};

class local_runtime {
public:
  /// Spawns the actors in `sys`. Executors register asynchronously; jobs
  /// submitted earlier wait for cores.
  local_runtime(caf::actor_system& sys, runtime_options opts);

  /// Calls stop().
  ~local_runtime();

  local_runtime(const local_runtime&) = delete;
  local_runtime& operator=(const local_runtime&) = delete;

  /// Adds an executor with `cores` cores; `on_registered` gets the
  /// driver's answer.
  const executor_handles&
  add_executor(executor_id id, int cores,
               std::function<void(bool, const std::string&)> on_registered
               = nullptr);

  /// Submits a job; the waiter collects its results and knows the job's
  /// id at once (waiter->id()). Thread-safe.
  std::shared_ptr<job_waiter> submit(job_spec spec);

  void cancel(job_id id, std::string reason = {});

  /// Stops executors, driver and DAG scheduler, and the task runners.
  /// Idempotent.
  void stop();

  const driver_actor& driver() const noexcept {
    return driver_;
  }

  const dag_scheduler_actor& dag() const noexcept {
    return dag_;
  }

  const std::vector<executor_handles>& executors() const noexcept {
    return executors_;
  }

  const config& cfg() const noexcept {
    return opts_.cfg;
  }

  caf::actor_system& system() noexcept {
    return sys_;
  }

private:
  caf::actor_system& sys_;
  runtime_options opts_;
  dag_scheduler_actor dag_;
  driver_actor driver_;
  std::vector<executor_handles> executors_;
  bool stopped_ = false;
  std::atomic<job_id> next_job_id_{0};
};

/// Cores for a local executor: cfg.executor_cores, or the machine's
/// hardware threads when it is 0.
int local_executor_cores(const config& cfg);

} // namespace ember
