#pragma once
// Events the driver posts to the listener bus, as in Spark's
// SparkListenerEvent family (SparkListenerJobStart, ...TaskEnd, ...).
//
// Plain values: each event is copied into the bus queue when posted and
// handed to every listener by const reference, so a listener must copy
// whatever it wants to keep.

#include "common/ids.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_info.hpp"
#include "scheduler/task_metrics.hpp"

#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ember {

/// Wall-clock time of job events (Spark reports epoch milliseconds).
using event_time = std::chrono::system_clock::time_point;

/// A job was submitted with its stages (Spark's SparkListenerJobStart).
struct job_start {
  job_id job = -1;
  event_time time{};
  std::vector<stage_id> stage_ids;
};

/// A job ended (Spark's SparkListenerJobEnd). `error` is empty on success.
struct job_end {
  job_id job = -1;
  event_time time{};
  bool succeeded = false;
  std::string error;
};

/// A stage attempt was submitted (Spark's SparkListenerStageSubmitted).
struct stage_submitted {
  stage_id stage = -1;
  std::int32_t attempt = 0;
  std::string name;
  std::int32_t num_tasks = 0;
};

/// A stage attempt ended (Spark's SparkListenerStageCompleted).
/// `failure_reason` is empty when the attempt succeeded.
struct stage_completed {
  stage_id stage = -1;
  std::int32_t attempt = 0;
  std::int32_t num_tasks = 0;
  std::string failure_reason;
};

/// A task attempt was launched (Spark's SparkListenerTaskStart).
struct task_start {
  task_info info;
};

/// The driver started fetching an indirect result (Spark's
/// SparkListenerTaskGettingResult).
struct task_getting_result {
  task_info info;
};

/// A task attempt ended (Spark's SparkListenerTaskEnd). The stage and stage
/// attempt are in `info`.
struct task_end {
  task_info info;
  task_end_reason reason;
  task_metrics metrics;
};

/// An executor registered (Spark's SparkListenerExecutorAdded).
struct executor_added {
  executor_id executor;
  std::string host;
  int cores = 0;
};

/// An executor was removed or lost (Spark's SparkListenerExecutorRemoved).
struct executor_removed {
  executor_id executor;
  std::string reason;
};

/// Anything that can be posted to the listener bus.
using listener_event
  = std::variant<job_start, job_end, stage_submitted, stage_completed,
                 task_start, task_getting_result, task_end, executor_added,
                 executor_removed>;

/// The event's name for logs: "job_start", "task_end", ...
constexpr std::string_view event_name(const listener_event& ev) noexcept {
  constexpr std::string_view names[] = {
    "job_start",  "job_end",        "stage_submitted",
    "stage_completed", "task_start", "task_getting_result",
    "task_end",   "executor_added", "executor_removed",
  };
  static_assert(std::size(names) == std::variant_size_v<listener_event>);
  if (ev.valueless_by_exception())
    return "valueless";
  return names[ev.index()];
}

} // namespace ember
