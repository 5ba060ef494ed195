#pragma once
// The DAG scheduler's logic (Spark's DAGScheduler), without the actor.
//
// This first version runs single-stage jobs: each job becomes one result
// stage whose task set holds one task per partition. Each partition's
// result reaches the job's waiter once (duplicates from retried attempts
// are ignored, and so are their accumulator updates); the job ends when all
// partitions are done; a zero-partition job ends at once; a failed task set
// fails its job ("Job aborted due to stage failure: ...") and kills its
// remaining tasks; cancel_job fails the job with "Job N cancelled".
//
// The actor wrapper (actors/dag_scheduler_actor.hpp) feeds it events; tests
// may drive it directly with injected events and a fake backend.

#include "common/ids.hpp"
#include "scheduler/completion_event.hpp"
#include "scheduler/job_spec.hpp"
#include "scheduler/job_waiter.hpp"
#include "scheduler/task_set.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ember {

class listener_bus;

class dag_scheduler {
public:
  /// Where the DAG scheduler sends its decisions (the driver).
  class backend {
  public:
    virtual ~backend() = default;
    virtual void submit_task_set(task_set ts) = 0;
    /// Kill the stage's running tasks and drop its task sets.
    virtual void cancel_stage(stage_id stage, const std::string& reason) = 0;
  };

  dag_scheduler(backend& be, std::shared_ptr<listener_bus> bus);

  job_id submit_job(job_spec spec, std::shared_ptr<job_waiter> waiter);
  void cancel_job(job_id id, const std::string& reason);

  void task_started(const task_info& info);
  void task_getting_result(const task_info& info);
  void task_completed(completion_event ev);
  void task_set_failed(stage_id stage, std::int32_t attempt,
                       const std::string& reason);
  void executor_added(const executor_id& id, const std::string& host);
  void executor_lost(const executor_id& id, const std::string& reason);

  std::size_t active_jobs() const noexcept {
    return jobs_.size();
  }

private:
  struct active_job {
    job_id id = -1;
    stage_id stage = -1;
    std::string name;
    std::shared_ptr<job_waiter> waiter;
    std::vector<bool> finished;
    int num_finished = 0;
  };

  void finish_job(active_job& job);
  void fail_job(active_job& job, const std::string& error,
                const std::string& stage_failure);

  backend& backend_;
  std::shared_ptr<listener_bus> bus_;
  job_id next_job_id_ = 0;
  stage_id next_stage_id_ = 0;
  std::map<job_id, active_job> jobs_;
  std::map<stage_id, job_id> job_of_stage_;
};

} // namespace ember
