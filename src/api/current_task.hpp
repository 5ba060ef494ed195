#pragma once
// The task_context of the task running on this thread.
//
// Functions shipped by the Dataset API receive only their records; those
// that need the task (its partition, attempt, kill switch or accumulators)
// ask `current_task_context()`. The task runner sets it around each task
// attempt with a `current_task_scope`.

#include "api/task_context.hpp"

namespace ember {

/// The task running on this thread, or nullptr outside a task.
task_context* current_task_context() noexcept;

/// Makes `ctx` the current task context for its lifetime (restoring the
/// previous one afterwards).
class current_task_scope {
public:
  explicit current_task_scope(task_context& ctx) noexcept;
  ~current_task_scope();

  current_task_scope(const current_task_scope&) = delete;
  current_task_scope& operator=(const current_task_scope&) = delete;

private:
  task_context* previous_;
};

} // namespace ember
