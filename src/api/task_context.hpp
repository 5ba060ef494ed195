#pragma once
// What a running task can see and do (Spark's TaskContext).

#include "common/ids.hpp"
#include "scheduler/task_metrics.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ember {

/// Shared between a running task and the executor that may kill it.
class task_kill_switch {
public:
  /// Requests the kill; the first reason wins.
  void kill(std::string reason) {
    std::lock_guard guard{mtx_};
    if (!killed_.load()) {
      reason_ = std::move(reason);
      killed_.store(true);
    }
  }

  bool killed() const noexcept {
    return killed_.load(std::memory_order_relaxed);
  }

  std::string reason() const {
    std::lock_guard guard{mtx_};
    return reason_;
  }

private:
  std::atomic<bool> killed_{false};
  mutable std::mutex mtx_;
  std::string reason_;
};

class task_context {
public:
  task_context(task_id tid, std::int32_t attempt, stage_id stage,
               std::int32_t stage_attempt, std::int32_t partition,
               executor_id executor,
               std::shared_ptr<task_kill_switch> kill_switch)
    : tid_(tid),
      attempt_(attempt),
      stage_(stage),
      stage_attempt_(stage_attempt),
      partition_(partition),
      executor_(std::move(executor)),
      kill_switch_(std::move(kill_switch)) {
  }

  task_id tid() const noexcept {
    return tid_;
  }
  std::int32_t attempt() const noexcept {
    return attempt_;
  }
  stage_id stage() const noexcept {
    return stage_;
  }
  std::int32_t stage_attempt() const noexcept {
    return stage_attempt_;
  }
  std::int32_t partition() const noexcept {
    return partition_;
  }
  const executor_id& executor() const noexcept {
    return executor_;
  }

  /// Whether the task was asked to stop; long-running tasks should poll
  /// this and return early (the runner then reports KILLED).
  bool interrupted() const noexcept {
    return kill_switch_ && kill_switch_->killed();
  }

  /// Adds `value` to numeric accumulator `id` for this attempt. The driver
  /// merges the updates of a partition's first successful attempt only.
  void add_to_accumulator(std::int64_t id, std::int64_t value) {
    for (auto& u : updates_)
      if (u.id == id) {
        u.value += value;
        return;
      }
    updates_.push_back(accumulator_update{id, value});
  }

  const std::vector<accumulator_update>& accumulator_updates() const {
    return updates_;
  }

  /// Time spent encoding the task's value (set by the typed wrappers).
  void add_serialization_time_ns(std::int64_t ns) noexcept {
    serialization_ns_ += ns;
  }

  std::int64_t serialization_time_ns() const noexcept {
    return serialization_ns_;
  }

private:
  task_id tid_;
  std::int32_t attempt_;
  stage_id stage_;
  std::int32_t stage_attempt_;
  std::int32_t partition_;
  executor_id executor_;
  std::shared_ptr<task_kill_switch> kill_switch_;
  std::vector<accumulator_update> updates_;
  std::int64_t serialization_ns_ = 0;
};

} // namespace ember
