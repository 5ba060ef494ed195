#pragma once
// The typed interfaces of Ember's actors: each alias documents what an
// actor accepts (and replies), so a wrong message is a compile error.

#include "actors/internal_messages.hpp"
#include "actors/messages.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace ember {

/// The driver (Spark's DriverEndpoint + TaskSchedulerImpl).
using driver_actor = caf::typed_actor<
  // from executors
  caf::replies_to<register_executor>::with<register_executor_reply>,
  caf::reacts_to<status_update>,
  // from anyone
  caf::reacts_to<revive_offers>,
  // from the DAG scheduler
  caf::reacts_to<submit_task_set>, caf::reacts_to<cancel_stage>,
  caf::reacts_to<remove_executor>, caf::reacts_to<remove_shuffle>,
  // from the TaskResultGetter pool
  caf::reacts_to<result_fetched>, caf::reacts_to<result_getting>,
  caf::reacts_to<task_failed>, caf::reacts_to<abort_task_set>>;

/// An executor (Spark's CoarseGrainedExecutorBackend + Executor).
using executor_actor = caf::typed_actor<
  // from the driver
  caf::reacts_to<launch_task>, caf::reacts_to<kill_task>,
  caf::reacts_to<stop_executor>, caf::reacts_to<peer_block_managers>,
  // from its own task-runner threads
  caf::reacts_to<task_finished>, caf::reacts_to<shuffle_batch_consumed>>;

/// One member of the TaskResultGetter pool.
using result_getter_actor = caf::typed_actor<caf::reacts_to<fetch_result>,
                                             caf::reacts_to<decode_failure>>;

/// Tells the DAG scheduler which driver runs its task sets.
struct attach_driver {
  driver_actor driver;
};

/// The DAG scheduler's event loop (Spark's DAGSchedulerEventProcessLoop).
using dag_scheduler_actor = caf::typed_actor<
  caf::reacts_to<attach_driver>, caf::reacts_to<resubmit_failed_stages>,
  // from users
  caf::reacts_to<submit_job>, caf::reacts_to<cancel_job>,
  // from the driver
  caf::reacts_to<completion_event>, caf::reacts_to<task_started_event>,
  caf::reacts_to<task_getting_result_event>,
  caf::reacts_to<task_set_failed_event>, caf::reacts_to<executor_added_event>,
  caf::reacts_to<executor_lost_event>>;

} // namespace ember

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::attach_driver)
