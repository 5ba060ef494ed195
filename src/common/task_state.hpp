#pragma once
// Task states, as in Spark's TaskState.

#include <cstdint>
#include <string_view>

namespace ember {

enum class task_state : std::uint8_t {
  launching,
  running,
  finished,
  failed,
  killed,
  lost,
};

constexpr bool is_finished(task_state s) noexcept {
  return s == task_state::finished || s == task_state::failed
         || s == task_state::killed || s == task_state::lost;
}

constexpr bool is_failed(task_state s) noexcept {
  return s == task_state::failed || s == task_state::killed
         || s == task_state::lost;
}

constexpr std::string_view to_string(task_state s) noexcept {
  switch (s) {
    case task_state::launching:
      return "LAUNCHING";
    case task_state::running:
      return "RUNNING";
    case task_state::finished:
      return "FINISHED";
    case task_state::failed:
      return "FAILED";
    case task_state::killed:
      return "KILLED";
    case task_state::lost:
      return "LOST";
  }
  return "UNKNOWN";
}

} // namespace ember
