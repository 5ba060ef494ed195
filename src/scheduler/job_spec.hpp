#pragma once
// What a user submits to the DAG scheduler.
//
// Either a task-function job (single stage): every task runs the registered
// task function `function` (api/task_registry.hpp) with the shared encoded
// `args`, task i with `partition_inputs[i]` as its own input;
// or a lineage job: compute node `target` of `plan` and turn each of its
// partitions into a result with the registered result function
// `result_function` (api/function_registry.hpp). The DAG scheduler cuts
// the lineage into stages at its shuffles.

#include "common/bytes.hpp"
#include "scheduler/lineage.hpp"
#include "scheduler/task_location.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ember {

struct job_spec {
  /// Shown in logs and listener events ("pi", "collect at wordcount").
  std::string name;

  // -- task-function jobs ----------------------------------------------------

  std::string function;
  std::string args;
  int num_partitions = 0;
  /// Optional: empty or one per partition.
  std::vector<bytes> partition_inputs;
  /// Optional: empty or one list per partition.
  std::vector<std::vector<task_location>> preferred_locations;

  // -- lineage jobs ----------------------------------------------------------

  std::shared_ptr<const lineage> plan;
  int target = -1;
  std::string result_function;
  std::string result_args;

  // -- both ------------------------------------------------------------------

  /// Optional: called on the DAG scheduler's thread with each partition's
  /// encoded result, once per partition. If it throws, the job fails with
  /// a driver-side error naming the exception.
  std::function<void(int partition, const bytes& value)> result_handler;

  /// The number of result partitions.
  int partitions() const {
    return plan ? plan->at(target).num_partitions : num_partitions;
  }
};

} // namespace ember
