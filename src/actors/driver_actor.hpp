#pragma once
// The DriverActor (Spark's CoarseGrainedSchedulerBackend.DriverEndpoint,
// hosting the TaskSchedulerImpl).
//
// Keeps each executor's data (handles, host, total and free cores); makes
// resource offers and sends the tasks of one offer round to an executor in
// one launch_task; forwards status updates to the task scheduler, hands
// FINISHED results and failure reasons to the TaskResultGetter pool, and
// returns a task's cores when it ends, offering that executor again.
// Updates from unknown executors are logged and ignored; a duplicate
// executor id is refused with a clear error. An executor whose actor goes
// down is removed as lost.

#include "actors/actor_types.hpp"
#include "common/config.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace ember {

class listener_bus;

struct driver_options {
  config cfg;
  /// The DAG scheduler that receives completion events.
  dag_scheduler_actor dag;
  /// Optional: receives executor added / removed events.
  std::shared_ptr<listener_bus> bus;
  /// Seed for shuffling offers (repeatable runs).
  std::uint64_t seed = 0x5eed;
};

driver_actor spawn_driver(caf::actor_system& sys, driver_options opts);

} // namespace ember
