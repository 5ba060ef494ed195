#include "api/context_state.hpp"

#include "common/logging.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace ember::detail {

context_state::context_state(config cfg)
  : cfg_(std::move(cfg)), eng_(std::make_unique<engine>(cfg_)) {
}

context_state::~context_state() {
  stop();
}

std::pair<job_id, std::shared_ptr<job_waiter>>
context_state::submit(job_spec spec) {
  std::lock_guard guard{mtx_};
  if (!eng_)
    throw std::logic_error("ember::context is stopped: cannot run a job");
  auto waiter = eng_->submit(std::move(spec));
  auto id = waiter->id();
  running_.insert(id);
  return {id, std::move(waiter)};
}

job_result context_state::finish(job_id id, job_waiter& waiter) {
  struct done_guard {
    context_state* self;
    job_id id;
    ~done_guard() {
      std::lock_guard guard{self->mtx_};
      self->running_.erase(id);
    }
  } done{this, id};
  auto res = waiter.wait();
  std::lock_guard guard{mtx_};
  for (auto& [acc, value] : res.accumulators) {
    auto it = accumulators_.find(acc);
    if (it == accumulators_.end())
      continue;
    if (auto cell = it->second.lock())
      cell->value.fetch_add(value);
    else
      accumulators_.erase(it);
  }
  return res;
}

void context_state::cancel(job_id id, const std::string& reason) {
  std::lock_guard guard{mtx_};
  if (eng_ && running_.count(id) != 0)
    eng_->cancel(id, reason);
}

void context_state::cancel_all(const std::string& reason) {
  std::lock_guard guard{mtx_};
  if (eng_)
    for (auto id : running_)
      eng_->cancel(id, reason);
}

std::pair<std::int64_t, std::shared_ptr<accumulator_cell>>
context_state::new_accumulator() {
  // Process-wide ids: handles of several contexts never mix up.
  static std::atomic<std::int64_t> next{std::int64_t{1} << 32};
  auto id = next.fetch_add(1);
  auto cell = std::make_shared<accumulator_cell>();
  std::lock_guard guard{mtx_};
  accumulators_.emplace(id, cell);
  return {id, std::move(cell)};
}

void context_state::stop() {
  std::unique_ptr<engine> eng;
  {
    std::lock_guard guard{mtx_};
    eng = std::move(eng_);
  }
  // Destroyed outside the lock: failing jobs wake threads in finish().
  eng.reset();
}

bool context_state::stopped() const {
  std::lock_guard guard{mtx_};
  return eng_ == nullptr;
}

int context_state::default_parallelism() const noexcept {
  auto cores = cfg_.executor_cores > 0
                 ? cfg_.executor_cores
                 : static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cfg_.local_executors * std::max(1, cores)
                       / std::max(1, cfg_.task_cpus));
}

} // namespace ember::detail
