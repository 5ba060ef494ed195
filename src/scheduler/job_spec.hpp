#pragma once
// What a user submits: a single-stage job of one task per partition.
//
// Every task runs the registered task function `function` (see
// api/task_function.hpp) with the shared encoded `args`; task i gets
// `partition_inputs[i]` (if given) as its own input.

#include "common/bytes.hpp"
#include "scheduler/task_location.hpp"

#include <string>
#include <vector>

namespace ember {

struct job_spec {
  /// Shown in logs and listener events ("pi", "big-results").
  std::string name;
  /// The registered task function's name.
  std::string function;
  /// Encoded arguments shared by every task (shipped once per task set).
  std::string args;
  /// Number of partitions (tasks); may be 0.
  int num_partitions = 0;
  /// Optional per-partition inputs; empty or one per partition.
  std::vector<bytes> partition_inputs;
  /// Optional preferred locations; empty or one list per partition.
  std::vector<std::vector<task_location>> preferred_locations;
};

} // namespace ember
