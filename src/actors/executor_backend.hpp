#pragma once
// The ExecutorBackend (Spark's CoarseGrainedExecutorBackend + Executor).
//
// Registers with the driver, then runs each launched task on its task
// runner pool (never on CAF's worker threads): reports RUNNING when it
// hands the task over, then FINISHED, FAILED or KILLED. A result above the
// direct limit is stored in the executor's BlockManager before FINISHED is
// sent; a store that fails (full disk) turns into FAILED with the error.
// kill_task makes the attempt report KILLED with its reason, whether it is
// still queued or already running.

#include "actors/actor_types.hpp"
#include "actors/task_runner_pool.hpp"
#include "common/config.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <string>

namespace ember {

class task_registry;

struct executor_options {
  executor_id id;
  std::string host = "localhost";
  int cores = 1;
  config cfg;
  driver_actor driver;
  /// The executor's BlockManager (a block_manager_actor).
  caf::actor block_manager;
  /// Where tasks run; shared with whoever shuts it down.
  std::shared_ptr<task_runner_pool> pool;
  /// Defaults to task_registry::global().
  const task_registry* registry = nullptr;
  /// The registry digest sent to the driver; 0 means this process's
  /// (local_registry_fingerprint()). Tests set it to simulate a mismatch.
  std::uint64_t registry_fingerprint = 0;
  /// Called once with the driver's answer to the registration.
  std::function<void(bool ok, const std::string& error)> on_registered;
};

executor_actor spawn_executor(caf::actor_system& sys, executor_options opts);

} // namespace ember
