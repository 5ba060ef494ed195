#include "cli/job_summary.hpp"

#include "scheduler/result_size_budget.hpp"

#include <cstdio>

namespace ember::cli {

job_summary::job_summary(std::function<void(const std::string&)> sink)
  : sink_(std::move(sink)) {
}

void job_summary::on_job_start(const job_start& ev) {
  std::lock_guard guard{mtx_};
  jobs_[ev.job].start = ev.time;
  for (auto s : ev.stage_ids)
    job_of_stage_[s] = ev.job;
}

void job_summary::on_stage_submitted(const stage_submitted& ev) {
  std::lock_guard guard{mtx_};
  auto it = job_of_stage_.find(ev.stage);
  if (it != job_of_stage_.end())
    ++jobs_[it->second].stages;
}

void job_summary::on_task_end(const task_end& ev) {
  std::lock_guard guard{mtx_};
  auto it = job_of_stage_.find(ev.info.stage);
  if (it == job_of_stage_.end())
    return;
  auto& j = jobs_[it->second];
  ++j.tasks;
  if (!std::holds_alternative<success_reason>(ev.reason))
    return;
  switch (ev.metrics.path) {
    case result_path::direct:
      j.inline_bytes += ev.metrics.result_size;
      break;
    case result_path::indirect:
      j.indirect_bytes += ev.metrics.result_size;
      break;
    case result_path::dropped:
      j.dropped_bytes += ev.metrics.result_size;
      break;
  }
}

void job_summary::on_job_end(const job_end& ev) {
  std::string line;
  {
    std::lock_guard guard{mtx_};
    auto it = jobs_.find(ev.job);
    job_stats j = it != jobs_.end() ? it->second : job_stats{};
    auto secs = j.start == event_time{}
                  ? 0.0
                  : std::chrono::duration<double>(ev.time - j.start).count();
    char buf[96];
    std::snprintf(buf, sizeof(buf), "%.3f s", secs);
    line = "job " + std::to_string(ev.job) + " "
           + (ev.succeeded ? "finished" : "failed") + ": "
           + std::to_string(j.stages) + " stages, " + std::to_string(j.tasks)
           + " tasks, " + buf + ", results " + format_bytes(j.inline_bytes)
           + " inline / " + format_bytes(j.indirect_bytes)
           + " via BlockManager / " + format_bytes(j.dropped_bytes)
           + " dropped";
    if (it != jobs_.end())
      jobs_.erase(it);
    for (auto s = job_of_stage_.begin(); s != job_of_stage_.end();)
      s = s->second == ev.job ? job_of_stage_.erase(s) : std::next(s);
  }
  sink_(line);
}

} // namespace ember::cli
