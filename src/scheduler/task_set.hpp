#pragma once
// A stage attempt's tasks, as handed by the DAG scheduler to the task
// scheduler (Spark's TaskSet).

#include "common/bytes.hpp"
#include "common/ids.hpp"
#include "scheduler/task_location.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ember {

/// One task of a task set: the partition it computes, where it prefers to
/// run, and its own input (may be empty).
struct task_spec {
  std::int32_t partition = -1;
  std::vector<task_location> preferred;
  bytes partition_data;
};

struct task_set {
  stage_id stage = -1;
  std::int32_t stage_attempt = 0;
  /// Lower runs first (FIFO): the job id.
  job_id priority = 0;
  /// Encoded task shared by every task of this set (see task_description).
  bytes binary;
  std::vector<task_spec> tasks;
  /// Whether the tasks write shuffle output. When an executor is lost, the
  /// finished tasks that ran there run again (their output was lost too).
  bool shuffle_map_stage = false;

  /// "stage.attempt", e.g. "3.0".
  std::string id() const {
    return std::to_string(stage) + "." + std::to_string(stage_attempt);
  }
};

} // namespace ember
