#pragma once
// The TaskResultGetter pool (Spark's TaskResultGetter): decodes direct
// results and fetches indirect ones off the scheduler's path.
//
// For each FINISHED task it: adds the result's size to its task set's
// budget (over max_result_size: asks the driver to abort the task set and
// removes the stored block); for an indirect result, tells the driver it is
// getting the result, fetches the block from the owning executor's
// BlockManager and removes it there; a missing block is TaskResultLost (the
// task is retried). It sets the driver-side metrics (result size and path)
// and decodes failure reasons (undecodable: UnknownReason).

#include "actors/actor_types.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <vector>

namespace ember {

/// Spawns one getter that reports to `driver`.
result_getter_actor spawn_result_getter(caf::actor_system& sys,
                                        driver_actor driver);

} // namespace ember
