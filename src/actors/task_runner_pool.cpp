#include "actors/task_runner_pool.hpp"

namespace ember {

thread_task_runner_pool::thread_task_runner_pool(std::size_t threads) {
  if (threads == 0)
    threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { loop(); });
}

thread_task_runner_pool::~thread_task_runner_pool() {
  shutdown();
}

void thread_task_runner_pool::submit(job fn) {
  {
    std::lock_guard guard{mtx_};
    if (stopping_)
      return;
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

void thread_task_runner_pool::shutdown() {
  {
    std::lock_guard guard{mtx_};
    if (stopping_ && threads_.empty())
      return;
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable() && t.get_id() != std::this_thread::get_id())
      t.join();
  threads_.clear();
}

void thread_task_runner_pool::loop() {
  for (;;) {
    job fn;
    {
      std::unique_lock guard{mtx_};
      cv_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    fn();
  }
}

void manual_task_runner_pool::submit(job fn) {
  std::lock_guard guard{mtx_};
  if (!stopped_)
    queue_.push_back(std::move(fn));
}

void manual_task_runner_pool::shutdown() {
  std::lock_guard guard{mtx_};
  stopped_ = true;
  queue_.clear();
}

std::size_t manual_task_runner_pool::pending() const {
  std::lock_guard guard{mtx_};
  return queue_.size();
}

bool manual_task_runner_pool::run_one() {
  job fn;
  {
    std::lock_guard guard{mtx_};
    if (queue_.empty())
      return false;
    fn = std::move(queue_.front());
    queue_.pop_front();
  }
  fn();
  return true;
}

std::size_t manual_task_runner_pool::run_all() {
  std::size_t n = 0;
  while (run_one())
    ++n;
  return n;
}

bool manual_task_runner_pool::discard_one() {
  std::lock_guard guard{mtx_};
  if (queue_.empty())
    return false;
  queue_.pop_front();
  return true;
}

} // namespace ember
