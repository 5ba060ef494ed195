#pragma once
// The end of a task attempt, as reported to the DAG scheduler (Spark's
// CompletionEvent).

#include "common/bytes.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_info.hpp"
#include "scheduler/task_metrics.hpp"

#include <vector>

namespace ember {

struct completion_event {
  /// Identifies the task: stage, stage attempt, partition, tid, attempt.
  task_info info;
  task_end_reason reason;
  /// The encoded value of a successful task (shares the result's storage).
  bytes value;
  std::vector<accumulator_update> accum_updates;
  task_metrics metrics;
};

} // namespace ember
