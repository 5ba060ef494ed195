#pragma once
// Collects a job's results as they arrive and lets a user thread wait for
// the end (Spark's JobWaiter).
//
// Thread-safe: the DAG scheduler calls task_succeeded / job_finished /
// job_failed from its actor, the user waits on any thread. Each partition's
// result is taken once; later duplicates are ignored.

#include "common/bytes.hpp"
#include "common/ids.hpp"
#include "scheduler/task_info.hpp"
#include "scheduler/task_metrics.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember {

/// A job failed: aborted stage, cancellation, or a failing result handler.
class job_failed_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// How one partition's result reached the driver.
struct task_summary {
  std::int32_t partition = -1;
  task_id tid = -1;
  std::int32_t attempt = 0;
  executor_id executor;
  task_metrics metrics;
};

struct job_result {
  job_id id = -1;
  /// One encoded value per partition, in partition order.
  std::vector<bytes> values;
  /// One summary per partition, in partition order.
  std::vector<task_summary> tasks;
  std::chrono::nanoseconds duration{0};
  /// Accumulator totals: the updates of each partition's first successful
  /// attempt, merged once.
  std::map<std::int64_t, std::int64_t> accumulators;

  /// Results that travelled by `p`.
  std::size_t count(result_path p) const;
  /// Bytes that travelled by `p`.
  std::int64_t bytes_by(result_path p) const;
};

class job_waiter {
public:
  explicit job_waiter(int num_partitions);

  /// Called once the DAG scheduler assigned an id.
  void set_job_id(job_id id);

  /// Records partition `p`'s result; false if it was already recorded.
  bool task_succeeded(int partition, bytes value, task_summary summary);

  /// Merges a partition's accumulator updates (call once per partition).
  void add_accumulator_updates(const std::vector<accumulator_update>& xs);

  /// All partitions done: wakes the waiters.
  void job_finished();

  /// The job failed with `error`: wakes the waiters. First call wins.
  void job_failed(std::string error);

  /// Blocks until the job ends; returns the result or throws
  /// job_failed_error.
  job_result wait();

  /// As wait(), but gives up after `timeout` (returns nullopt).
  std::optional<job_result> wait_for(std::chrono::milliseconds timeout);

  bool done() const;

  /// The job's id: assigned when the job is submitted (-1 before).
  job_id id() const;
  int finished_partitions() const;
  int num_partitions() const noexcept {
    return num_partitions_;
  }

  /// Called (on the DAG scheduler's thread, outside the lock) when the job
  /// ends, with nullptr on success or the error text. Set before
  /// submitting.
  std::function<void(const std::string* error)> on_done;

private:
  job_result take_locked();

  mutable std::mutex mtx_;
  std::condition_variable cv_;
  int num_partitions_;
  int finished_ = 0;
  bool done_ = false;
  std::optional<std::string> error_;
  std::vector<bool> have_;
  job_result result_;
  std::chrono::steady_clock::time_point start_;
};

} // namespace ember
