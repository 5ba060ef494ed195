#pragma once
// What the driver sends to an executor for one task attempt (Spark's
// TaskDescription).

#include "common/bytes.hpp"
#include "common/ids.hpp"

#include <cstdint>
#include <string>

namespace ember {

struct task_description {
  task_id tid = -1;
  std::int32_t attempt = 0;
  stage_id stage = -1;
  std::int32_t stage_attempt = 0;
  /// The RDD partition this task computes.
  std::int32_t partition = -1;
  /// Index of the task inside its task set.
  std::int32_t index = -1;
  executor_id executor;
  std::int32_t cpus = 1;
  /// Encoded task (function name and arguments), shared by every task of a
  /// stage attempt; in one process it is never copied.
  bytes binary;
  /// Per-task input (may be empty).
  bytes partition_data;

  std::size_t serialized_size() const noexcept {
    return binary.size() + partition_data.size();
  }

  /// "task 3.1 in stage 2.0 (TID 17)".
  std::string name() const {
    return "task " + std::to_string(index) + "." + std::to_string(attempt)
           + " in stage " + std::to_string(stage) + "."
           + std::to_string(stage_attempt) + " (TID " + std::to_string(tid)
           + ")";
  }
};

} // namespace ember
