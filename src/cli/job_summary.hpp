#pragma once
// One line per finished job, printed by the CLI:
//
//   job 0: 2 stages, 40 tasks, 1.23 s, results 2.0 KiB inline /
//   64.0 MiB via BlockManager / 0.0 B dropped

#include "scheduler/listener_bus.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace ember::cli {

class job_summary : public listener {
public:
  /// `sink` receives each finished job's line.
  explicit job_summary(std::function<void(const std::string&)> sink);

  void on_job_start(const job_start& ev) override;
  void on_job_end(const job_end& ev) override;
  void on_stage_submitted(const stage_submitted& ev) override;
  void on_task_end(const task_end& ev) override;

private:
  struct job_stats {
    event_time start{};
    int stages = 0;
    std::int64_t tasks = 0;
    std::int64_t inline_bytes = 0;
    std::int64_t indirect_bytes = 0;
    std::int64_t dropped_bytes = 0;
  };

  std::function<void(const std::string&)> sink_;
  std::mutex mtx_;
  std::map<job_id, job_stats> jobs_;
  std::map<stage_id, job_id> job_of_stage_;
};

} // namespace ember::cli
