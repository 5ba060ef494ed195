#pragma once
// Runs one task attempt on an executor thread and applies the frame-size
// rule to its result (Spark's Executor.TaskRunner).
//
// Pure: no actors. The ExecutorBackend calls `run_task` on a task-runner
// thread, then stores `block` (if any) in its BlockManager and sends the
// status update. The result rule, with `size` the encoded direct result:
//   size > max_result_size > 0  -> dropped: indirect result without block
//   size > direct_limit         -> indirect: `block` = (taskresult_<tid>, bytes)
//   otherwise                   -> direct: the bytes go inline
// The value is encoded once, straight into the buffer that travels on.

#include "actors/stage_task.hpp"
#include "api/task_context.hpp"
#include "common/bytes.hpp"
#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "scheduler/task_description.hpp"
#include "scheduler/task_metrics.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace ember {

class task_registry;
class function_registry;

struct task_runner_settings {
  executor_id executor;
  std::string host;
  /// <= 0: no limit.
  std::int64_t max_result_size = 0;
  /// min(frame_size - reserved, max_direct_result_size).
  std::int64_t direct_limit = 0;
};

struct task_outcome {
  task_id tid = -1;
  task_state state = task_state::failed;
  /// FINISHED: encoded result; FAILED / KILLED: encoded end reason.
  bytes payload;
  /// Where the result goes; for logs and tests.
  result_path path = result_path::direct;
  /// Blocks to store before reporting FINISHED: shuffle output and, for
  /// an indirect result, the result itself ("taskresult_<tid>").
  std::vector<stored_block> blocks;
};

/// What a lineage task needs besides its description.
struct stage_task_inputs {
  std::shared_ptr<const stage_binary> stage;
  /// Blocks fetched all at once (codecs that cannot read incrementally).
  fetched_blocks blocks;
  /// Reader states built batch by batch (incremental codecs).
  reduce_states states;
};

/// Runs `task`: a task-function task with the function found in
/// `registry`, or a lineage task (`inputs` set) with `fns`. Never throws:
/// user exceptions become FAILED with ExceptionFailure, a kill (before or
/// after the run, or observed by the task) becomes KILLED with its reason.
task_outcome run_task(const task_description& task,
                      const std::shared_ptr<task_kill_switch>& kill_switch,
                      const task_runner_settings& settings,
                      const task_registry& registry,
                      stage_task_inputs* inputs = nullptr,
                      const function_registry* fns = nullptr);

/// The outcome for a task killed before it started.
task_outcome killed_outcome(task_id tid, const std::string& reason);

/// The outcome for a task that failed outside the user's code.
task_outcome failed_outcome(task_id tid, std::string class_name,
                            std::string description);

} // namespace ember
