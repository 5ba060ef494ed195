#include "scheduler/dag_scheduler.hpp"

#include "api/task_registry.hpp"
#include "common/logging.hpp"
#include "scheduler/listener_bus.hpp"

#include <chrono>

namespace ember {

namespace {

auto wall_now() {
  return std::chrono::system_clock::now();
}

} // namespace

dag_scheduler::dag_scheduler(backend& be, std::shared_ptr<listener_bus> bus)
  : backend_(be), bus_(std::move(bus)) {
}

job_id dag_scheduler::submit_job(job_spec spec,
                                 std::shared_ptr<job_waiter> waiter) {
  auto id = next_job_id_++;
  waiter->set_job_id(id);
  auto n = spec.num_partitions;
  if (n <= 0) {
    logger().info("job={} Job {} ({}) has no partitions: finished", id, id,
                  spec.name);
    if (bus_) {
      bus_->post(job_start{id, wall_now(), {}});
      bus_->post(job_end{id, wall_now(), true, {}});
    }
    waiter->job_finished();
    return id;
  }
  auto stage = next_stage_id_++;
  task_set ts;
  ts.stage = stage;
  ts.stage_attempt = 0;
  ts.priority = id;
  ts.binary = bytes{encode_task_binary(spec.function, spec.args)};
  ts.tasks.resize(static_cast<std::size_t>(n));
  for (int p = 0; p < n; ++p) {
    auto& t = ts.tasks[static_cast<std::size_t>(p)];
    t.partition = p;
    if (static_cast<std::size_t>(p) < spec.partition_inputs.size())
      t.partition_data = spec.partition_inputs[p];
    if (static_cast<std::size_t>(p) < spec.preferred_locations.size())
      t.preferred = spec.preferred_locations[p];
  }
  active_job job;
  job.id = id;
  job.stage = stage;
  job.name = spec.name;
  job.waiter = std::move(waiter);
  job.finished.assign(static_cast<std::size_t>(n), false);
  logger().info("job={} stage={}.0 Got job {} ({}) with {} output partitions",
                id, stage, id, spec.name, n);
  if (bus_) {
    bus_->post(job_start{id, wall_now(), {stage}});
    bus_->post(stage_submitted{stage, 0, spec.name, n});
  }
  jobs_.emplace(id, std::move(job));
  job_of_stage_.emplace(stage, id);
  backend_.submit_task_set(std::move(ts));
  return id;
}

void dag_scheduler::cancel_job(job_id id, const std::string& reason) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    logger().warn("job={} Cannot cancel: no such active job", id);
    return;
  }
  auto msg = "Job " + std::to_string(id) + " cancelled";
  if (!reason.empty())
    msg += " " + reason;
  fail_job(it->second, msg, msg);
}

void dag_scheduler::task_started(const task_info& info) {
  if (bus_)
    bus_->post(task_start{info});
}

void dag_scheduler::task_getting_result(const task_info& info) {
  if (bus_)
    bus_->post(ember::task_getting_result{info});
}

void dag_scheduler::task_completed(completion_event ev) {
  if (bus_)
    bus_->post(task_end{ev.info, ev.reason, ev.metrics});
  if (!std::holds_alternative<success_reason>(ev.reason))
    return; // the task scheduler retries or aborts the task set
  auto sj = job_of_stage_.find(ev.info.stage);
  if (sj == job_of_stage_.end())
    return; // the job already ended
  auto it = jobs_.find(sj->second);
  if (it == jobs_.end())
    return;
  auto& job = it->second;
  auto p = ev.info.partition;
  if (p < 0 || static_cast<std::size_t>(p) >= job.finished.size()
      || job.finished[p])
    return; // a duplicate: its value and accumulators are not used again
  job.finished[p] = true;
  ++job.num_finished;
  task_summary summary{p, ev.info.tid, ev.info.attempt, ev.info.executor,
                       ev.metrics};
  job.waiter->add_accumulator_updates(ev.accum_updates);
  job.waiter->task_succeeded(p, std::move(ev.value), std::move(summary));
  if (job.num_finished == static_cast<int>(job.finished.size()))
    finish_job(job);
}

void dag_scheduler::task_set_failed(stage_id stage, std::int32_t,
                                    const std::string& reason) {
  auto sj = job_of_stage_.find(stage);
  if (sj == job_of_stage_.end())
    return;
  auto it = jobs_.find(sj->second);
  if (it == jobs_.end())
    return;
  fail_job(it->second, "Job aborted due to stage failure: " + reason, reason);
}

void dag_scheduler::executor_added(const executor_id&, const std::string&) {
  // Nothing to do for single-stage jobs: the task scheduler offers the new
  // executor's cores.
}

void dag_scheduler::executor_lost(const executor_id&, const std::string&) {
  // Single-stage jobs keep no outputs on executors; the task scheduler
  // reruns the attempts that were running there.
}

void dag_scheduler::finish_job(active_job& job) {
  logger().info("job={} stage={}.0 Job {} ({}) finished", job.id, job.stage,
                job.id, job.name);
  if (bus_) {
    bus_->post(stage_completed{job.stage, 0,
                               static_cast<int>(job.finished.size()), {}});
    bus_->post(job_end{job.id, wall_now(), true, {}});
  }
  auto waiter = job.waiter;
  job_of_stage_.erase(job.stage);
  jobs_.erase(job.id);
  waiter->job_finished();
}

void dag_scheduler::fail_job(active_job& job, const std::string& error,
                             const std::string& stage_failure) {
  logger().error("job={} stage={}.0 Job {} ({}) failed: {}", job.id,
                 job.stage, job.id, job.name, error);
  backend_.cancel_stage(job.stage, stage_failure);
  if (bus_) {
    bus_->post(stage_completed{job.stage, 0,
                               static_cast<int>(job.finished.size()),
                               stage_failure});
    bus_->post(job_end{job.id, wall_now(), false, error});
  }
  auto waiter = job.waiter;
  job_of_stage_.erase(job.stage);
  jobs_.erase(job.id);
  waiter->job_failed(error);
}

} // namespace ember
