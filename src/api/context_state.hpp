#pragma once
// What datasets share with their context: the engine, the jobs in flight
// and the driver's accumulator values; and future_action, the result of an
// asynchronous action. Include api/context.hpp instead.

#include "api/accumulator.hpp"
#include "api/engine.hpp"

#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <type_traits>
#include <utility>

namespace ember {

namespace detail {

class context_state {
public:
  /// Starts the engine (local mode). Throws config_error.
  explicit context_state(config cfg);

  /// Stops the engine.
  ~context_state();

  context_state(const context_state&) = delete;
  context_state& operator=(const context_state&) = delete;

  /// Submits a job. Throws std::logic_error once stopped.
  std::pair<job_id, std::shared_ptr<job_waiter>> submit(job_spec spec);

  /// Waits for job `id` and merges its accumulator totals into the driver's
  /// values (once per job). Throws job_failed_error.
  job_result finish(job_id id, job_waiter& waiter);

  /// Cancels job `id` if still running: it fails with "Job N cancelled".
  void cancel(job_id id, const std::string& reason);

  /// Cancels every running job of this context.
  void cancel_all(const std::string& reason);

  /// A new accumulator id and its driver-side value.
  std::pair<std::int64_t, std::shared_ptr<accumulator_cell>> new_accumulator();

  /// Stops the engine: running jobs fail, later actions throw.
  /// Idempotent.
  void stop();

  bool stopped() const;

  const config& cfg() const noexcept {
    return cfg_;
  }

  /// Tasks that can run at once (Spark's defaultParallelism in local mode).
  int default_parallelism() const noexcept;

private:
  const config cfg_;
  mutable std::mutex mtx_;
  std::unique_ptr<engine> eng_;
  std::set<job_id> running_;
  std::map<std::int64_t, std::weak_ptr<accumulator_cell>> accumulators_;
};

using state_ptr = std::shared_ptr<context_state>;

} // namespace detail

/// The result of an asynchronous action: a std::future that can also
/// cancel its job (Spark's FutureAction).
template <class R>
class future_action : public std::future<R> {
public:
  future_action() = default;

  future_action(std::future<R> f, job_id job,
                std::weak_ptr<detail::context_state> state)
    : std::future<R>(std::move(f)), job_(job), state_(std::move(state)) {
  }

  /// The job's id.
  job_id job() const noexcept {
    return job_;
  }

  /// Cancels the job; get() then throws job_failed_error ("Job N
  /// cancelled"). Does nothing once the job has ended.
  void cancel(const std::string& reason = {}) const {
    if (auto st = state_.lock())
      st->cancel(job_, reason);
  }

private:
  job_id job_ = -1;
  std::weak_ptr<detail::context_state> state_;
};

namespace detail {

/// Runs a job on this thread and turns its result into the action's value.
template <class Finish>
auto run_action(const state_ptr& st, job_spec spec, Finish finish) {
  auto [id, waiter] = st->submit(std::move(spec));
  return finish(st->finish(id, *waiter));
}

/// Submits a job; a thread waits for it and computes the action's value.
template <class Finish>
auto run_action_async(const state_ptr& st, job_spec spec, Finish finish) {
  using result_type = std::invoke_result_t<Finish&, job_result>;
  auto [id, waiter] = st->submit(std::move(spec));
  auto fut = std::async(std::launch::async,
                        [st, id = id, waiter = waiter,
                         finish = std::move(finish)]() mutable {
                          return finish(st->finish(id, *waiter));
                        });
  return future_action<result_type>{std::move(fut), id, st};
}

} // namespace detail

} // namespace ember
