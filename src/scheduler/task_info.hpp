#pragma once
// What the scheduler knows of one task attempt (Spark's TaskInfo).

#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "scheduler/task_location.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace ember {

struct task_info {
  using time_point = std::chrono::steady_clock::time_point;

  task_id tid = -1;
  std::int32_t index = -1;
  std::int32_t attempt = 0;
  std::int32_t partition = -1;
  stage_id stage = -1;
  std::int32_t stage_attempt = 0;
  executor_id executor;
  std::string host;
  locality_level locality = locality_level::any;
  time_point launch_time{};
  /// Set when the driver starts fetching an indirect result.
  time_point getting_result_time{};
  time_point finish_time{};
  task_state state = task_state::launching;

  bool finished() const noexcept {
    return finish_time != time_point{};
  }

  bool successful() const noexcept {
    return state == task_state::finished;
  }
};

} // namespace ember
