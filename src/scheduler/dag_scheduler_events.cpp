// The DAG scheduler's event handlers: task completions (results, map
// outputs, fetch failures), task-set failures, executor loss, and the ends
// of stages and jobs. Job submission and stage creation are in
// dag_scheduler.cpp.

#include "scheduler/dag_scheduler.hpp"

#include "common/logging.hpp"
#include "scheduler/listener_bus.hpp"

#include <algorithm>

namespace ember {

namespace {

auto wall_now() {
  return std::chrono::system_clock::now();
}

} // namespace

// -- events -------------------------------------------------------------------

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
  auto it = stages_.find(ev.info.stage);
  if (it == stages_.end())
    return; // its jobs ended already
  auto& s = it->second;
  std::visit(
    [&](auto& reason) {
      using reason_type = std::decay_t<decltype(reason)>;
      if constexpr (std::is_same_v<reason_type, success_reason>) {
        if (s.is_shuffle_map())
          map_task_succeeded(s, ev);
        else
          result_task_succeeded(s, ev);
      } else if constexpr (std::is_same_v<reason_type, resubmitted_reason>) {
        if (s.is_shuffle_map()) {
          logger().info("stage={} Resubmitted partition {} (its output was "
                        "lost)",
                        s.id, ev.info.partition);
          s.pending_partitions.insert(ev.info.partition);
        }
      } else if constexpr (std::is_same_v<reason_type, fetch_failed_reason>) {
        fetch_failed(s, ev);
      }
      // Other failures: the task scheduler retries or aborts the task set.
    },
    ev.reason);
}

void dag_scheduler::result_task_succeeded(stage& s, completion_event& ev) {
  auto jit = jobs_.find(s.result_job);
  if (jit == jobs_.end())
    return;
  auto& job = *jit->second;
  auto p = ev.info.partition;
  if (p < 0 || static_cast<std::size_t>(p) >= job.finished.size()
      || job.finished[p])
    return; // a duplicate: its value and accumulators are not used again
  job.finished[p] = true;
  ++job.num_finished;
  job.waiter->add_accumulator_updates(ev.accum_updates);
  if (job.result_handler) {
    try {
      job.result_handler(p, ev.value);
    } catch (const std::exception& e) {
      fail_job(job, "Job " + std::to_string(job.id)
                      + " failed: exception in the result handler: "
                      + e.what());
      return;
    } catch (...) {
      fail_job(job, "Job " + std::to_string(job.id)
                      + " failed: unknown exception in the result handler");
      return;
    }
  }
  task_summary summary{p, ev.info.tid, ev.info.attempt, ev.info.executor,
                       ev.metrics};
  job.waiter->task_succeeded(p, std::move(ev.value), std::move(summary));
  if (job.num_finished == static_cast<int>(job.finished.size())) {
    mark_stage_finished(s);
    finish_job(job);
  }
}

void dag_scheduler::map_task_succeeded(stage& s, completion_event& ev) {
  auto p = ev.info.partition;
  auto& exec = ev.info.executor;
  auto task_epoch = s.attempt_epochs.count(ev.info.stage_attempt)
                      ? s.attempt_epochs[ev.info.stage_attempt]
                      : std::int64_t{0};
  if (auto it = failed_epoch_.find(exec);
      it != failed_epoch_.end() && task_epoch <= it->second) {
    logger().info("exec={} stage={}.{} tid={} Ignoring possibly bogus map "
                  "completion from a lost executor",
                  exec, s.id, ev.info.stage_attempt, ev.info.tid);
  } else {
    try {
      auto status = map_status::decode(ev.value.view());
      bool first = s.pending_partitions.count(p) > 0;
      tracker_.register_map_output(s.shuffle_dep->shuffle, p,
                                   std::move(status));
      if (first)
        if (auto* job = active_job_for(s))
          job->waiter->add_accumulator_updates(ev.accum_updates);
    } catch (const std::exception& e) {
      logger().error("exec={} stage={} tid={} Undecodable map status: {}",
                     exec, s.id, ev.info.tid, e.what());
      abort_stage(s, "Undecodable map status from task "
                       + std::to_string(ev.info.tid) + ": " + e.what());
      return;
    }
  }
  s.pending_partitions.erase(p);
  if (running_.count(s.id) == 0 || !s.pending_partitions.empty())
    return;
  mark_stage_finished(s);
  if (!tracker_.is_available(s.shuffle_dep->shuffle)) {
    logger().info("stage={} Resubmitting {} because some of its outputs "
                  "were lost",
                  s.id, s.describe());
    submit_stage(s.id);
  } else {
    submit_waiting_children(s);
  }
}

void dag_scheduler::fetch_failed(stage& s, const completion_event& ev) {
  const auto& ff = std::get<fetch_failed_reason>(ev.reason);
  if (s.latest_attempt != ev.info.stage_attempt) {
    logger().info("stage={}.{} Ignoring fetch failure from an older attempt "
                  "(latest is {})",
                  s.id, ev.info.stage_attempt, s.latest_attempt);
    return;
  }
  auto mit = map_stage_of_shuffle_.find(ff.shuffle);
  logger().warn("stage={}.{} tid={} {}", s.id, ev.info.stage_attempt,
                ev.info.tid, to_error_string(ev.reason));
  if (running_.count(s.id) > 0)
    mark_stage_finished(s, to_error_string(ev.reason));
  s.failed_attempt_ids.insert(ev.info.stage_attempt);
  // The output is broken even if this stage gives up: another job may read
  // it (Spark unregisters it before aborting too).
  if (ff.map_index >= 0 && tracker_.contains_shuffle(ff.shuffle))
    tracker_.unregister_map_output(ff.shuffle, ff.map_index, ff.executor);
  if (static_cast<int>(s.failed_attempt_ids.size())
      >= opts_.max_consecutive_stage_attempts) {
    abort_stage(s, s.describe() + " has failed the maximum allowable number "
                     "of times: "
                     + std::to_string(opts_.max_consecutive_stage_attempts)
                     + ". Most recent failure reason: "
                     + to_error_string(ev.reason));
    return;
  }
  if (failed_.empty())
    backend_.schedule_resubmit(opts_.resubmit_delay);
  failed_.insert(s.id);
  if (mit != map_stage_of_shuffle_.end())
    failed_.insert(mit->second);
}

void dag_scheduler::task_set_failed(stage_id id, std::int32_t,
                                    const std::string& reason) {
  auto it = stages_.find(id);
  if (it == stages_.end())
    return;
  abort_stage(it->second, reason);
}

void dag_scheduler::executor_added(const executor_id& id,
                                   const std::string&) {
  failed_epoch_.erase(id);
}

void dag_scheduler::executor_lost(const executor_id& id,
                                  const std::string& reason) {
  auto removed = tracker_.remove_outputs_on_executor(id);
  failed_epoch_[id] = tracker_.epoch();
  logger().warn("exec={} Executor lost ({}): unregistered {} map outputs, "
                "epoch is now {}",
                id, reason, removed, tracker_.epoch());
}

// -- ends ---------------------------------------------------------------------

void dag_scheduler::mark_stage_finished(stage& s, const std::string& error) {
  running_.erase(s.id);
  if (error.empty())
    s.failed_attempt_ids.clear();
  logger().info("stage={}.{} {} {}", s.id, s.latest_attempt, s.describe(),
                error.empty() ? "finished" : "failed: " + error);
  if (bus_)
    bus_->post(stage_completed{s.id, s.latest_attempt, s.num_tasks, error});
}

void dag_scheduler::abort_stage(stage& s, const std::string& reason) {
  std::vector<job_id> dependent{s.jobs.begin(), s.jobs.end()};
  for (auto id : dependent)
    if (auto it = jobs_.find(id); it != jobs_.end())
      fail_job(*it->second, "Job aborted due to stage failure: " + reason);
}

void dag_scheduler::fail_job(active_job& job, const std::string& error) {
  logger().error("job={} Job {} ({}) failed: {}", job.id, job.id, job.name,
                 error);
  // Cancel the stages only this job needs.
  for (auto& [id, s] : stages_) {
    if (s.jobs.count(job.id) == 0 || s.jobs.size() > 1)
      continue;
    if (running_.count(id) > 0) {
      backend_.cancel_stage(id, error);
      mark_stage_finished(s, error);
    }
  }
  if (bus_)
    bus_->post(job_end{job.id, wall_now(), false, error});
  auto waiter = job.waiter;
  cleanup_job(job);
  waiter->job_failed(error);
}

void dag_scheduler::finish_job(active_job& job) {
  logger().info("job={} Job {} ({}) finished", job.id, job.id, job.name);
  if (bus_)
    bus_->post(job_end{job.id, wall_now(), true, {}});
  auto waiter = job.waiter;
  cleanup_job(job);
  waiter->job_finished();
}

void dag_scheduler::cleanup_job(active_job& job) {
  auto id = job.id;
  std::vector<stage_id> unused;
  for (auto& [sid, s] : stages_) {
    s.jobs.erase(id);
    if (s.jobs.empty())
      unused.push_back(sid);
  }
  for (auto sid : unused) {
    auto& s = stages_.at(sid);
    if (s.is_shuffle_map()) {
      auto shuffle = s.shuffle_dep->shuffle;
      map_stage_of_shuffle_.erase(shuffle);
      if (tracker_.contains_shuffle(shuffle))
        tracker_.unregister_shuffle(shuffle);
      backend_.remove_shuffle(shuffle);
    }
    waiting_.erase(sid);
    running_.erase(sid);
    failed_.erase(sid);
    stages_.erase(sid);
  }
  jobs_.erase(id); // destroys `job`
}

} // namespace ember
