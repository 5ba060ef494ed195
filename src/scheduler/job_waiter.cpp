#include "scheduler/job_waiter.hpp"

namespace ember {

std::size_t job_result::count(result_path p) const {
  std::size_t n = 0;
  for (auto& t : tasks)
    if (t.metrics.path == p)
      ++n;
  return n;
}

std::int64_t job_result::bytes_by(result_path p) const {
  std::int64_t n = 0;
  for (auto& t : tasks)
    if (t.metrics.path == p)
      n += t.metrics.result_size;
  return n;
}

job_waiter::job_waiter(int num_partitions)
  : num_partitions_(num_partitions),
    have_(static_cast<std::size_t>(num_partitions), false),
    start_(std::chrono::steady_clock::now()) {
  result_.values.resize(static_cast<std::size_t>(num_partitions));
  result_.tasks.resize(static_cast<std::size_t>(num_partitions));
}

void job_waiter::set_job_id(job_id id) {
  std::lock_guard guard{mtx_};
  result_.id = id;
}

bool job_waiter::task_succeeded(int partition, bytes value,
                                task_summary summary) {
  std::lock_guard guard{mtx_};
  if (partition < 0 || partition >= num_partitions_ || have_[partition]
      || done_)
    return false;
  have_[partition] = true;
  ++finished_;
  result_.values[partition] = std::move(value);
  result_.tasks[partition] = std::move(summary);
  return true;
}

void job_waiter::add_accumulator_updates(
  const std::vector<accumulator_update>& xs) {
  std::lock_guard guard{mtx_};
  for (auto& u : xs)
    result_.accumulators[u.id] += u.value;
}

void job_waiter::job_finished() {
  {
    std::lock_guard guard{mtx_};
    if (done_)
      return;
    done_ = true;
    result_.duration = std::chrono::steady_clock::now() - start_;
  }
  cv_.notify_all();
  if (on_done)
    on_done(nullptr);
}

void job_waiter::job_failed(std::string error) {
  std::string copy;
  {
    std::lock_guard guard{mtx_};
    if (done_)
      return;
    done_ = true;
    error_ = std::move(error);
    copy = *error_;
  }
  cv_.notify_all();
  if (on_done)
    on_done(&copy);
}

job_result job_waiter::take_locked() {
  if (error_)
    throw job_failed_error(*error_);
  return std::move(result_);
}

job_result job_waiter::wait() {
  std::unique_lock guard{mtx_};
  cv_.wait(guard, [this] { return done_; });
  return take_locked();
}

std::optional<job_result>
job_waiter::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock guard{mtx_};
  if (!cv_.wait_for(guard, timeout, [this] { return done_; }))
    return std::nullopt;
  return take_locked();
}

job_id job_waiter::id() const {
  std::lock_guard guard{mtx_};
  return result_.id;
}

bool job_waiter::done() const {
  std::lock_guard guard{mtx_};
  return done_;
}

int job_waiter::finished_partitions() const {
  std::lock_guard guard{mtx_};
  return finished_;
}

} // namespace ember
