#pragma once
// The DAG scheduler's event loop as an actor: job submissions, completion
// events and the other scheduler events are messages, so no submission
// blocks the handling of completions.

#include "actors/actor_types.hpp"
#include "scheduler/dag_scheduler.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace ember {

class listener_bus;

/// Spawns the DAG scheduler; send it attach_driver before submitting jobs.
dag_scheduler_actor spawn_dag_scheduler(caf::actor_system& sys,
                                        std::shared_ptr<listener_bus> bus,
                                        dag_scheduler_options opts = {});

} // namespace ember
