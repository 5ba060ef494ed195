#pragma once
// Where an executor runs its tasks: never on CAF's worker threads.
//
// `thread_task_runner_pool` runs jobs on its own threads (one per core of
// the executor). `manual_task_runner_pool` queues jobs until a test runs
// them on its own thread, so message-flow tests stay deterministic and can
// choose when (and whether) a task runs.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ember {

class task_runner_pool {
public:
  using job = std::function<void()>;

  virtual ~task_runner_pool() = default;

  /// Queues `fn`; thread-safe. Jobs submitted after shutdown are dropped.
  virtual void submit(job fn) = 0;

  /// Stops taking jobs; running jobs finish, queued ones are dropped.
  virtual void shutdown() = 0;
};

class thread_task_runner_pool final : public task_runner_pool {
public:
  explicit thread_task_runner_pool(std::size_t threads);
  ~thread_task_runner_pool() override;

  void submit(job fn) override;
  void shutdown() override;

private:
  void loop();

  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class manual_task_runner_pool final : public task_runner_pool {
public:
  void submit(job fn) override;
  void shutdown() override;

  /// Jobs waiting to run.
  std::size_t pending() const;

  /// Runs the oldest job on the calling thread; false if none.
  bool run_one();

  /// Runs jobs until none is left (including jobs they submit).
  std::size_t run_all();

  /// Removes the oldest job without running it (a "hang"); false if none.
  bool discard_one();

private:
  mutable std::mutex mtx_;
  std::deque<job> queue_;
  bool stopped_ = false;
};

} // namespace ember
