#include "scheduler/task_end_reason.hpp"

#include "common/overload.hpp"
#include "common/serialization.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/variant.hpp>

namespace ember {

bool counts_towards_task_failures(const task_end_reason& reason) noexcept {
  return std::visit(
    overload{
      [](const fetch_failed_reason&) { return false; },
      [](const task_killed_reason&) { return false; },
      [](const executor_lost_failure_reason& x) {
        return x.exit_caused_by_app;
      },
      [](const auto&) { return true; },
    },
    reason);
}

std::string to_error_string(const task_end_reason& reason) {
  return std::visit(
    overload{
      [](const success_reason&) -> std::string { return "Success"; },
      [](const resubmitted_reason&) -> std::string {
        return "Resubmitted (resubmitted due to lost executor)";
      },
      [](const fetch_failed_reason& x) -> std::string {
        return "FetchFailed(executor=" + x.executor + ", host=" + x.host
               + ", shuffleId=" + std::to_string(x.shuffle)
               + ", mapIndex=" + std::to_string(x.map_index)
               + ", mapId=" + std::to_string(x.map_id)
               + ", reduceId=" + std::to_string(x.reduce_id)
               + ", message=" + x.message + ")";
      },
      [](const exception_failure_reason& x) -> std::string {
        auto s = x.class_name + ": " + x.description;
        if (!x.stack.empty())
          s += "\n" + x.stack;
        return s;
      },
      [](const task_result_lost_reason&) -> std::string {
        return "TaskResultLost (result lost from block manager)";
      },
      [](const task_killed_reason& x) -> std::string {
        return "TaskKilled (" + x.reason + ")";
      },
      [](const executor_lost_failure_reason& x) -> std::string {
        return "ExecutorLostFailure (executor " + x.executor
               + " exited "
               + (x.exit_caused_by_app ? "caused by one of the running tasks"
                                       : "unrelated to the running tasks")
               + ")" + (x.reason.empty() ? "" : " Reason: " + x.reason);
      },
      [](const unknown_reason&) -> std::string {
        return "UnknownReason";
      },
    },
    reason);
}

std::string_view reason_name(const task_end_reason& reason) noexcept {
  static constexpr std::string_view names[] = {
    "Success",        "Resubmitted", "FetchFailed",
    "ExceptionFailure", "TaskResultLost", "TaskKilled",
    "ExecutorLostFailure", "UnknownReason",
  };
  return names[reason.index()];
}

std::string encode_end_reason(const task_end_reason& reason) {
  return encode(reason);
}

task_end_reason decode_end_reason(std::string_view payload) noexcept {
  if (payload.empty())
    return unknown_reason{};
  try {
    return decode<task_end_reason>(payload);
  } catch (...) {
    return unknown_reason{};
  }
}

} // namespace ember
