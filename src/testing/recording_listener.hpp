#pragma once
// A listener that keeps the events a flow test asks about. The fixture's
// bus is synchronous: events arrive when the fixture drains it (after each
// run_until_idle, or flow_fixture::drain_events).
//
// Plain C++: no CAF.

#include "scheduler/listener_bus.hpp"

#include <vector>

namespace ember::testing {

struct recording_listener : listener {
  std::vector<job_start> job_starts;
  std::vector<job_end> job_ends;
  std::vector<task_start> task_starts;
  std::vector<task_getting_result> getting_results;
  std::vector<task_end> task_ends;
  std::vector<executor_added> executors_added;
  std::vector<executor_removed> executors_removed;

  void on_job_start(const job_start& ev) override {
    job_starts.push_back(ev);
  }
  void on_job_end(const job_end& ev) override {
    job_ends.push_back(ev);
  }
  void on_task_start(const task_start& ev) override {
    task_starts.push_back(ev);
  }
  void on_task_getting_result(const task_getting_result& ev) override {
    getting_results.push_back(ev);
  }
  void on_task_end(const task_end& ev) override {
    task_ends.push_back(ev);
  }
  void on_executor_added(const executor_added& ev) override {
    executors_added.push_back(ev);
  }
  void on_executor_removed(const executor_removed& ev) override {
    executors_removed.push_back(ev);
  }
};

} // namespace ember::testing
