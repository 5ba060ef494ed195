#pragma once
// The driver's task scheduler (Spark's TaskSchedulerImpl): takes task sets
// from the DAG scheduler, matches their tasks with resource offers, tracks
// every running attempt, and reports each attempt's end.
//
// Pure logic, no actors and no threads: the DriverActor owns one instance
// and calls it from its own handlers, passing the current time, so delay
// scheduling follows whatever clock the caller uses (CAF's deterministic
// clock in tests). Every method is O(work done), without per-task logging
// above debug level.

#include "common/bytes.hpp"
#include "common/config.hpp"
#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "scheduler/completion_event.hpp"
#include "scheduler/result_size_budget.hpp"
#include "scheduler/task_description.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_info.hpp"
#include "scheduler/task_result.hpp"
#include "scheduler/task_set.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ember {

class task_set_manager;

/// Free cores on one executor, offered for one scheduling round.
struct worker_offer {
  executor_id executor;
  std::string host;
  int cores = 0;
};

/// How the task scheduler reaches the rest of the driver. Every callback is
/// made synchronously from inside a task_scheduler method.
class task_scheduler_events {
public:
  virtual ~task_scheduler_events() = default;

  /// An attempt was launched (the DAG scheduler's BeginEvent).
  virtual void task_started(const task_info& info) = 0;

  /// The driver started fetching an indirect result.
  virtual void task_getting_result(const task_info& info) = 0;

  /// An attempt ended, successfully or not. Called exactly once per
  /// attempt, plus once with `resubmitted_reason` for a finished shuffle
  /// map task whose output was lost with its executor.
  virtual void task_ended(completion_event ev) = 0;

  /// A task set was aborted; its stage fails with `reason`.
  virtual void task_set_failed(stage_id stage, std::int32_t stage_attempt,
                               const std::string& reason)
    = 0;

  /// Ask an executor to kill a running attempt.
  virtual void kill_task(const executor_id& executor, task_id tid,
                         bool interrupt, const std::string& reason)
    = 0;
};

/// What the driver must do after a status update.
struct status_action {
  enum kind_t : std::uint8_t {
    /// Nothing (RUNNING, or an update for an unknown or finished task).
    none,
    /// FINISHED: hand `payload` to a TaskResultGetter with `budget`.
    fetch_result,
    /// FAILED / KILLED / LOST: hand `payload` to a TaskResultGetter to
    /// decode the end reason.
    decode_failure,
  };
  kind_t kind = none;
  task_id tid = -1;
  task_state state = task_state::running;
  executor_id executor;
  bytes payload;
  std::shared_ptr<result_size_budget> budget;
  /// Set for LOST: the executor must be removed (see executor_lost).
  bool remove_executor = false;
};

class task_scheduler {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// `seed` makes the shuffling of offers repeatable.
  task_scheduler(const config& cfg, task_scheduler_events& events,
                 std::uint64_t seed = 0x5eed);
  ~task_scheduler();

  task_scheduler(const task_scheduler&) = delete;
  task_scheduler& operator=(const task_scheduler&) = delete;

  // -- task sets -------------------------------------------------------------

  /// Adds a task set. Older attempts of the same stage become zombies: they
  /// launch nothing more, but their running tasks still report.
  void submit_tasks(task_set ts, time_point now);

  /// Kills the running tasks of every attempt of `stage` and aborts them:
  /// the stage fails with "Stage N cancelled" (plus `reason`).
  void cancel_tasks(stage_id stage, bool interrupt, const std::string& reason);

  /// Kills the running tasks of every attempt of `stage`, keeping the stage.
  void kill_all_task_attempts(stage_id stage, bool interrupt,
                              const std::string& reason);

  /// Kills one attempt; returns false if it is not running.
  bool kill_task_attempt(task_id tid, bool interrupt,
                         const std::string& reason);

  // -- offers ----------------------------------------------------------------

  /// Matches pending tasks with `offers` (shuffled first), respecting
  /// task_cpus, locality levels and delay scheduling. Returns the tasks to
  /// launch per offer, in the order of `offers`. A task whose encoded size
  /// exceeds frame_size aborts its task set with a message that suggests
  /// broadcast variables.
  std::vector<std::vector<task_description>>
  resource_offers(std::vector<worker_offer> offers, time_point now);

  // -- executors -------------------------------------------------------------

  void executor_added(const executor_id& executor, const std::string& host,
                      time_point now);

  /// Fails every attempt running on `executor` with ExecutorLostFailure and
  /// resubmits finished shuffle map tasks whose output lived there.
  void executor_lost(const executor_id& executor, const std::string& reason,
                     bool exit_caused_by_app, time_point now);

  bool is_executor_alive(const executor_id& executor) const;

  /// Sets how hosts map to racks (none by default: no RACK_LOCAL level).
  /// Task sets submitted before the call do not learn their racks.
  void set_rack_resolver(
    std::function<std::optional<std::string>(const std::string& host)>
      resolver);

  // -- status updates and results --------------------------------------------

  /// Records a state change reported by an executor.
  status_action status_update(task_id tid, task_state state, bytes payload,
                              time_point now);

  /// The getter started fetching an indirect result.
  void handle_task_getting_result(task_id tid, time_point now);

  /// The getter decoded (and, if indirect, fetched) a result.
  void handle_successful_task(task_id tid, direct_task_result result,
                              time_point now);

  /// The attempt failed (including TaskResultLost from the getter).
  void handle_failed_task(task_id tid, task_state state,
                          task_end_reason reason, time_point now);

  /// Aborts the task set that `tid` belongs to (e.g. result too large).
  void abort_task_set_of(task_id tid, const std::string& message);

  /// The DAG scheduler accepted a successful result for `partition` of
  /// `stage` (from any attempt): every attempt of the stage treats that
  /// task as done and will not launch it (Spark's
  /// notifyPartitionCompletion). Optional; without it a newer attempt may
  /// run a partition an older attempt already computed.
  void notify_partition_completion(stage_id stage, std::int32_t partition);

  // -- introspection (for the driver, tests and metrics) ---------------------

  /// The executor `tid` runs on, if it is running.
  std::optional<executor_id> executor_of(task_id tid) const;

  /// Tasks launched and not yet ended.
  std::size_t running_tasks() const noexcept;

  /// Whether any task set still has tasks to launch.
  bool has_pending_tasks() const;

  /// Active (not yet finished) task sets, zombies included.
  std::size_t active_task_sets() const noexcept;

  /// The manager of stage attempt `stage`.`attempt`, or nullptr.
  const task_set_manager* manager(stage_id stage, std::int32_t attempt) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace ember
