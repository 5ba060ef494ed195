#pragma once
// Messages that never leave the driver's (or an executor's) process: they
// carry shared state (budgets, waiters) or already-decoded values. CAF may
// not serialise them, which `CAF_ALLOW_UNSAFE_MESSAGE_TYPE` records.

#include "actors/task_runner.hpp"
#include "common/bytes.hpp"
#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "scheduler/completion_event.hpp"
#include "scheduler/job_spec.hpp"
#include "scheduler/job_waiter.hpp"
#include "scheduler/result_size_budget.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_info.hpp"
#include "scheduler/task_result.hpp"
#include "scheduler/task_set.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>
#include <string>

namespace ember {

// -- executor: a runner thread is done ---------------------------------------

struct task_finished {
  task_outcome outcome;
};

/// A task-runner thread folded a batch of fetched shuffle blocks into a
/// reduce task's reader state (`error` if the codec threw).
struct shuffle_batch_consumed {
  task_id tid = -1;
  std::string error;
};

// -- driver -> TaskResultGetter ------------------------------------------------

/// Decode (direct) or fetch (indirect) the result of a FINISHED task.
struct fetch_result {
  task_id tid = -1;
  executor_id executor;
  bytes payload;
  std::shared_ptr<result_size_budget> budget;
  /// The owning executor's BlockManager (may be invalid if it is gone).
  caf::actor block_manager;
};

/// Decode the end reason of a FAILED / KILLED / LOST task.
struct decode_failure {
  task_id tid = -1;
  task_state state = task_state::failed;
  bytes payload;
};

// -- TaskResultGetter -> driver -----------------------------------------------

struct result_fetched {
  task_id tid = -1;
  direct_task_result result;
};

/// The getter started fetching an indirect result.
struct result_getting {
  task_id tid = -1;
};

/// A task attempt failed (decoded reason, or TaskResultLost).
struct task_failed {
  task_id tid = -1;
  task_state state = task_state::failed;
  task_end_reason reason;
};

/// Abort the task set `tid` belongs to (e.g. results too large).
struct abort_task_set {
  task_id tid = -1;
  std::string message;
};

// -- DAG scheduler -> driver ---------------------------------------------------

struct submit_task_set {
  task_set tasks;
};

/// Kill the stage's running tasks and fail it.
struct cancel_stage {
  stage_id stage = -1;
  std::string reason;
};

/// Remove a shuffle's blocks from every executor.
struct remove_shuffle {
  shuffle_id shuffle = -1;
};

/// The DAG scheduler's timer: resubmit the failed stages.
struct resubmit_failed_stages {};

/// Remove an executor (it is lost or was stopped).
struct remove_executor {
  executor_id id;
  std::string reason;
};

// -- driver -> DAG scheduler ---------------------------------------------------

struct task_started_event {
  task_info info;
};

struct task_getting_result_event {
  task_info info;
};

struct task_set_failed_event {
  stage_id stage = -1;
  std::int32_t stage_attempt = 0;
  std::string reason;
};

struct executor_added_event {
  executor_id id;
  std::string host;
  std::int32_t cores = 0;
};

struct executor_lost_event {
  executor_id id;
  std::string reason;
};

// -- users -> DAG scheduler ----------------------------------------------------

struct submit_job {
  job_spec spec;
  std::shared_ptr<job_waiter> waiter;
  /// Assigned by the submitter; -1 lets the DAG scheduler choose.
  job_id id = -1;
};

struct cancel_job {
  job_id id = -1;
  std::string reason;
};

} // namespace ember

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::task_finished)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::shuffle_batch_consumed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::fetch_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::decode_failure)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::result_fetched)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::result_getting)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::task_failed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::abort_task_set)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::submit_task_set)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::cancel_stage)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::remove_executor)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::remove_shuffle)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::resubmit_failed_stages)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::task_started_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::task_getting_result_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::task_set_failed_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::executor_added_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::executor_lost_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::submit_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::cancel_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(ember::completion_event)
