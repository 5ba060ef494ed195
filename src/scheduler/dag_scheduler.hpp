#pragma once
// The DAG scheduler's logic (Spark's DAGScheduler), without the actor.
//
// Cuts a job's lineage into stages at shuffle dependencies (one shuffle map
// stage per shuffle, however many paths reach it; parents get lower ids and
// run first), submits a stage once its parents' outputs are all available,
// and a stage attempt's task set holds only its missing partitions.
// Result tasks: each partition's result reaches the job once (duplicates
// and their accumulator updates are ignored). Map tasks: their MapStatus is
// registered with the map output tracker, unless their executor was
// declared lost at a later epoch. A FetchFailed fails the reading stage,
// unregisters the offending map output and, after `resubmit_delay`, reruns
// the missing map partitions and then the reading stage; a stage that
// fails `max_consecutive_stage_attempts` attempts in a row aborts its jobs.
// Executor loss unregisters that executor's map outputs. Shuffles are
// removed once no active job needs them.
//
// The actor wrapper (actors/dag_scheduler_actor.hpp) feeds it events; tests
// may drive it directly with injected events and a fake backend.

#include "common/ids.hpp"
#include "scheduler/completion_event.hpp"
#include "scheduler/job_spec.hpp"
#include "scheduler/job_waiter.hpp"
#include "scheduler/map_output_tracker.hpp"
#include "scheduler/stage.hpp"
#include "scheduler/task_set.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ember {

class listener_bus;

struct dag_scheduler_options {
  /// Consecutive failed attempts of one stage before its jobs abort.
  /// Spark: spark.stage.maxConsecutiveAttempts.
  int max_consecutive_stage_attempts = 4;
  /// Delay before failed stages are resubmitted.
  std::chrono::milliseconds resubmit_delay{200};
};

class dag_scheduler {
public:
  /// Where the DAG scheduler sends its decisions (the driver).
  class backend {
  public:
    virtual ~backend() = default;
    virtual void submit_task_set(task_set ts) = 0;
    /// Kill the stage's running tasks and drop its task sets.
    virtual void cancel_stage(stage_id stage, const std::string& reason) = 0;
    /// Call resubmit_failed_stages() after `delay`.
    virtual void schedule_resubmit(std::chrono::milliseconds delay) = 0;
    /// Remove the shuffle's blocks from every executor.
    virtual void remove_shuffle(shuffle_id shuffle) = 0;
  };

  dag_scheduler(backend& be, std::shared_ptr<listener_bus> bus,
                dag_scheduler_options opts = {});
  ~dag_scheduler();

  /// Submits a job under `id` (a fresh id if negative; ids must not repeat).
  job_id submit_job(job_spec spec, std::shared_ptr<job_waiter> waiter,
                    job_id id = -1);
  void cancel_job(job_id id, const std::string& reason);

  void task_started(const task_info& info);
  void task_getting_result(const task_info& info);
  void task_completed(completion_event ev);
  void task_set_failed(stage_id stage, std::int32_t attempt,
                       const std::string& reason);
  void executor_added(const executor_id& id, const std::string& host);
  void executor_lost(const executor_id& id, const std::string& reason);
  void resubmit_failed_stages();

  /// Fails every active job with `reason` (Ember is stopping).
  void fail_all(const std::string& reason);

  // -- introspection (tests) -------------------------------------------------

  std::size_t active_jobs() const noexcept {
    return jobs_.size();
  }
  const map_output_tracker& tracker() const noexcept {
    return tracker_;
  }
  const stage* find_stage(stage_id id) const;
  std::size_t num_stages() const noexcept {
    return stages_.size();
  }
  bool is_waiting(stage_id id) const {
    return waiting_.count(id) > 0;
  }
  bool is_running(stage_id id) const {
    return running_.count(id) > 0;
  }
  bool is_failed(stage_id id) const {
    return failed_.count(id) > 0;
  }

private:
  struct active_job {
    job_id id = -1;
    stage_id final_stage = -1;
    std::string name;
    std::shared_ptr<job_waiter> waiter;
    std::function<void(int, const bytes&)> result_handler;
    std::string result_function;
    std::string result_args;
    std::vector<bool> finished;
    int num_finished = 0;
  };

  // -- stage creation --------------------------------------------------------
  std::vector<stage_id> parent_stages(const std::shared_ptr<const lineage>& g,
                                      int node, job_id job);
  stage_id shuffle_map_stage(const std::shared_ptr<const lineage>& g,
                             const shuffle_dependency& dep, job_id job);
  stage_id new_stage(const std::shared_ptr<const lineage>& g, int node,
                     job_id job, std::vector<stage_id> parents);
  void add_job_to_stages(stage_id id, job_id job);

  // -- submission ------------------------------------------------------------
  void submit_stage(stage_id id);
  void submit_missing_tasks(stage& s, active_job& job);
  std::vector<stage_id> missing_parents(const stage& s) const;
  void submit_waiting_children(const stage& parent);
  active_job* active_job_for(const stage& s);

  // -- completion ------------------------------------------------------------
  void result_task_succeeded(stage& s, completion_event& ev);
  void map_task_succeeded(stage& s, completion_event& ev);
  void fetch_failed(stage& s, const completion_event& ev);
  void mark_stage_finished(stage& s, const std::string& error = {});

  // -- failure and clean-up --------------------------------------------------
  void abort_stage(stage& s, const std::string& reason);
  void fail_job(active_job& job, const std::string& error);
  void finish_job(active_job& job);
  void cleanup_job(active_job& job);

  backend& backend_;
  std::shared_ptr<listener_bus> bus_;
  dag_scheduler_options opts_;
  map_output_tracker tracker_;
  job_id next_job_id_ = 0;
  stage_id next_stage_id_ = 0;
  std::map<job_id, std::unique_ptr<active_job>> jobs_;
  std::map<stage_id, stage> stages_;
  std::map<shuffle_id, stage_id> map_stage_of_shuffle_;
  std::set<stage_id> waiting_;
  std::set<stage_id> running_;
  std::set<stage_id> failed_;
  /// The epoch at which each executor was last declared lost.
  std::map<executor_id, std::int64_t> failed_epoch_;
};

} // namespace ember
