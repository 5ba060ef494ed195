#pragma once
// Schedules the tasks of one stage attempt (Spark's TaskSetManager).
//
// It keeps the pending tasks indexed by locality, picks one task per offer
// with delay scheduling, follows each attempt from launch until the
// scheduler hands it its end (handle_successful_task / handle_failed_task),
// retries failed tasks and aborts the task set once a task has failed
// max_task_failures times.
//
// A task index is in one of three states: pending (listed, may launch),
// live (one attempt launched and not yet handled; never more than one) or
// successful. An attempt is "running" from launch until its first terminal
// status update; it stays known (and live) until it is handled.
//
// A zombie launches nothing more but still handles its attempts. The task
// set is finished once it is a zombie without running attempts; the
// scheduler then drops it. Owned by a task_scheduler; tests may drive one
// directly through a scheduler_context. Not thread-safe.

#include "common/config.hpp"
#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "scheduler/completion_event.hpp"
#include "scheduler/executor_registry.hpp"
#include "scheduler/pending_tasks.hpp"
#include "scheduler/result_size_budget.hpp"
#include "scheduler/task_description.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_info.hpp"
#include "scheduler/task_result.hpp"
#include "scheduler/task_scheduler.hpp"
#include "scheduler/task_set.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ember {

/// What a task scheduler shares with all its task set managers.
struct scheduler_context {
  scheduler_context(const config& c, task_scheduler_events& ev)
    : cfg(c), events(ev) {
  }

  config cfg;
  task_scheduler_events& events;
  executor_registry executors;
  /// The id of the next launched attempt; ids are never reused.
  task_id next_tid = 0;
};

class task_set_manager {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// Lists every task as pending. `now` starts the delay scheduling clock.
  /// An empty task set is finished right away.
  task_set_manager(task_set ts, scheduler_context& ctx, time_point now);

  task_set_manager(const task_set_manager&) = delete;
  task_set_manager& operator=(const task_set_manager&) = delete;

  // -- launching -------------------------------------------------------------

  /// Offers one task slot on `executor` (on `host`), for tasks no farther
  /// than `max_locality` and than delay scheduling allows (unless
  /// `max_locality` is NO_PREF, which skips delay scheduling). On success
  /// the attempt is running and task_started was called. A task larger
  /// than frame_size is not launched: the task set aborts instead.
  std::optional<task_description> resource_offer(const executor_id& executor,
                                                 const std::string& host,
                                                 locality_level max_locality,
                                                 time_point now);

  /// Spark's getAllowedLocalityLevel: the farthest level tasks may launch
  /// at now. Moves past levels without pending tasks and levels whose wait
  /// expired (advancing the wait timer by that wait).
  locality_level allowed_locality_level(time_point now);

  /// Recomputes the valid levels after executors came or went; no-op for a
  /// zombie.
  void recompute_locality();

  // -- attempts --------------------------------------------------------------

  /// Records a status update. Returns the attempt's info if it was running,
  /// nullptr otherwise (unknown, or a terminal state arrived before). A
  /// terminal state ends "running"; the attempt waits to be handled.
  const task_info* status_update(task_id tid, task_state state);

  /// The driver started fetching the attempt's result.
  void handle_task_getting_result(task_id tid, time_point now);

  /// Ends an attempt successfully and reports it with task_ended. Returns
  /// false (doing nothing) if the attempt is unknown or already handled.
  bool handle_successful_task(task_id tid, direct_task_result result,
                              time_point now);

  /// Ends an attempt with a failure, reports it, and retries the task or
  /// aborts the task set. Returns false if unknown or already handled.
  bool handle_failed_task(task_id tid, task_state state,
                          task_end_reason reason, time_point now);

  /// Fails the attempts on `executor` with ExecutorLostFailure and, for a
  /// shuffle map stage, makes the tasks that finished there pending again
  /// (reported with resubmitted_reason). Returns the failed attempts.
  std::vector<task_id> executor_lost(const executor_id& executor,
                                     const std::string& reason,
                                     bool exit_caused_by_app, time_point now);

  /// Another attempt of this stage computed `partition`: treat its task as
  /// successful here (Spark's markPartitionCompleted).
  void mark_partition_completed(std::int32_t partition);

  /// Fails the stage with `message` (task_set_failed, once) and becomes a
  /// zombie.
  void abort(const std::string& message);

  /// A newer attempt of the stage was submitted: launch nothing more.
  void make_zombie();

  /// The running attempts and their executors (e.g. to kill them).
  std::vector<std::pair<task_id, executor_id>> running_attempts() const;

  // -- introspection ---------------------------------------------------------

  const task_set& taskset() const noexcept {
    return ts_;
  }

  stage_id stage() const noexcept {
    return ts_.stage;
  }

  std::int32_t stage_attempt() const noexcept {
    return ts_.stage_attempt;
  }

  std::int32_t num_tasks() const noexcept {
    return static_cast<std::int32_t>(state_.size());
  }

  bool is_zombie() const noexcept {
    return zombie_;
  }

  bool is_aborted() const noexcept {
    return aborted_;
  }

  /// A zombie without running attempts: the scheduler may drop it.
  bool is_finished() const noexcept {
    return zombie_ && running_ == 0;
  }

  std::int32_t tasks_successful() const noexcept {
    return tasks_successful_;
  }

  /// Attempts launched and without a terminal status update yet.
  std::size_t running_count() const noexcept {
    return running_;
  }

  /// Whether tasks remain to be launched (never for a zombie).
  bool has_pending_tasks() const noexcept {
    return !zombie_ && num_pending_ > 0;
  }

  /// Counted failures of task `index`.
  std::int32_t failures(std::int32_t index) const {
    return state_.at(index).failures;
  }

  bool successful(std::int32_t index) const {
    return state_.at(index).successful;
  }

  /// Attempts launched so far for task `index`.
  std::int32_t attempts(std::int32_t index) const {
    return state_.at(index).attempts;
  }

  /// The info of an attempt not yet handled, or nullptr.
  const task_info* info(task_id tid) const;

  /// The executor of a running attempt.
  std::optional<executor_id> running_executor(task_id tid) const;

  const std::vector<locality_level>& valid_levels() const noexcept {
    return levels_;
  }

  /// The level delay scheduling currently waits at (without advancing).
  locality_level current_locality_level() const noexcept {
    return levels_[current_];
  }

  /// Shared with the result getters; limit is cfg.max_result_size.
  const std::shared_ptr<result_size_budget>& budget() const noexcept {
    return budget_;
  }

private:
  static constexpr std::uint32_t no_executor = ~std::uint32_t{0};

  /// Per task index; kept small (a task set may have a million tasks).
  struct index_state {
    /// The successful attempt (for resubmission).
    task_id success_tid = -1;
    std::int32_t attempts = 0;
    std::int32_t failures = 0;
    /// Where the successful attempt ran (shuffle map stages only), as an
    /// index into executors_.
    std::uint32_t success_executor = no_executor;
    bool successful = false;
    bool live = false;
  };

  struct attempt {
    task_info info;
    bool running = true;
  };

  bool is_pending(std::int32_t index) const noexcept {
    auto& st = state_[index];
    return !st.successful && !st.live;
  }

  auto pending_filter() {
    return [this](std::int32_t index) { return is_pending(index); };
  }

  std::optional<task_description> launch(std::int32_t index,
                                         const executor_id& executor,
                                         const std::string& host,
                                         locality_level locality,
                                         locality_level max_locality,
                                         time_point now);

  /// Moves task `index` to a new state, keeping the counters right.
  void set_state(std::int32_t index, bool successful, bool live);

  std::size_t locality_index(locality_level level) const noexcept;

  void compute_levels();

  std::uint32_t intern_executor(const executor_id& executor,
                                const std::string& host);

  scheduler_context& ctx_;
  task_set ts_;
  std::vector<index_state> state_;
  pending_tasks pending_;
  /// Attempts launched and not yet handled, by task id.
  std::unordered_map<task_id, attempt> attempts_;
  std::shared_ptr<result_size_budget> budget_;
  /// Executors successful shuffle map tasks ran on, with their hosts.
  std::vector<std::pair<executor_id, std::string>> executors_;
  std::unordered_map<executor_id, std::uint32_t> executor_index_;

  std::int32_t num_pending_ = 0;
  std::int32_t tasks_successful_ = 0;
  std::size_t running_ = 0;
  bool zombie_ = false;
  bool aborted_ = false;

  // Delay scheduling.
  std::vector<locality_level> levels_;
  std::vector<config::duration> waits_;
  std::size_t current_ = 0;
  time_point last_reset_;
};

} // namespace ember
