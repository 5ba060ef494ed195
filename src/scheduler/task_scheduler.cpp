#include "scheduler/task_scheduler.hpp"

#include "common/logging.hpp"
#include "scheduler/task_set_manager.hpp"

#include <algorithm>
#include <numeric>
#include <random>

namespace ember {

// -- state -------------------------------------------------------------------

struct task_scheduler::impl {
  using manager_ptr = std::shared_ptr<task_set_manager>;

  impl(const config& cfg, task_scheduler_events& events, std::uint64_t seed)
    : ctx(cfg, events), rng(seed) {
  }

  scheduler_context ctx;
  std::mt19937_64 rng;
  /// Task sets not yet finished, zombies included, in FIFO order: by
  /// (priority, stage), then by submission.
  std::vector<manager_ptr> active;
  /// The attempts in `active`, by stage.
  std::unordered_map<stage_id, std::vector<manager_ptr>> stages;
  /// Attempts launched and not yet handled. Keeps their manager alive even
  /// after it left `active`, so late results are still reported.
  std::unordered_map<task_id, manager_ptr> owners;

  manager_ptr owner(task_id tid) const {
    auto it = owners.find(tid);
    return it != owners.end() ? it->second : nullptr;
  }

  /// Removes the owner entry of a task about to be handled.
  manager_ptr take_owner(task_id tid) {
    auto it = owners.find(tid);
    if (it == owners.end())
      return nullptr;
    auto result = std::move(it->second);
    owners.erase(it);
    return result;
  }

  void insert(const manager_ptr& m) {
    auto key = [](const manager_ptr& x) {
      return std::pair{x->taskset().priority, x->stage()};
    };
    auto pos = std::upper_bound(active.begin(), active.end(), m,
                                [&](const manager_ptr& x,
                                    const manager_ptr& y) {
                                  return key(x) < key(y);
                                });
    active.insert(pos, m);
    stages[m->stage()].push_back(m);
  }

  /// Drops `m` from the active task sets once it is finished (Spark's
  /// taskSetFinished). Idempotent.
  void remove_if_finished(const manager_ptr& m) {
    if (!m->is_finished())
      return;
    auto it = std::find(active.begin(), active.end(), m);
    if (it == active.end())
      return;
    active.erase(it);
    if (auto s = stages.find(m->stage()); s != stages.end()) {
      auto& attempts = s->second;
      attempts.erase(std::remove(attempts.begin(), attempts.end(), m),
                     attempts.end());
      if (attempts.empty())
        stages.erase(s);
    }
    logger().info("stage={}.{} removed task set ({} of {} tasks successful{})",
                  m->stage(), m->stage_attempt(), m->tasks_successful(),
                  m->num_tasks(), m->is_aborted() ? ", aborted" : "");
  }

  void remove_finished() {
    auto snapshot = active;
    for (auto& m : snapshot)
      remove_if_finished(m);
  }

  void recompute_locality() {
    for (auto& m : active)
      m->recompute_locality();
  }

  std::vector<manager_ptr> attempts_of(stage_id stage) const {
    auto it = stages.find(stage);
    return it != stages.end() ? it->second : std::vector<manager_ptr>{};
  }

  void kill_running(const std::vector<manager_ptr>& attempts, bool interrupt,
                    const std::string& reason) {
    for (auto& m : attempts)
      for (auto& [tid, executor] : m->running_attempts())
        ctx.events.kill_task(executor, tid, interrupt, reason);
  }
};

task_scheduler::task_scheduler(const config& cfg,
                               task_scheduler_events& events,
                               std::uint64_t seed)
  : impl_(std::make_unique<impl>(cfg, events, seed)) {
}

task_scheduler::~task_scheduler() = default;

// -- task sets ---------------------------------------------------------------

void task_scheduler::submit_tasks(task_set ts, time_point now) {
  auto& d = *impl_;
  logger().info("stage={}.{} adding task set with {} tasks", ts.stage,
                ts.stage_attempt, ts.tasks.size());
  auto older = d.attempts_of(ts.stage);
  for (auto& m : older)
    m->make_zombie();
  auto m = std::make_shared<task_set_manager>(std::move(ts), d.ctx, now);
  d.insert(m);
  for (auto& old : older)
    d.remove_if_finished(old);
  d.remove_if_finished(m);
}

void task_scheduler::cancel_tasks(stage_id stage, bool interrupt,
                                  const std::string& reason) {
  auto& d = *impl_;
  logger().info("stage={} cancelling", stage);
  auto attempts = d.attempts_of(stage);
  d.kill_running(attempts, interrupt, reason);
  auto message = "Stage " + std::to_string(stage) + " cancelled";
  if (!reason.empty())
    message += ": " + reason;
  for (auto& m : attempts) {
    m->abort(message);
    d.remove_if_finished(m);
  }
}

void task_scheduler::kill_all_task_attempts(stage_id stage, bool interrupt,
                                            const std::string& reason) {
  auto& d = *impl_;
  logger().info("stage={} killing all running tasks: {}", stage, reason);
  d.kill_running(d.attempts_of(stage), interrupt, reason);
}

bool task_scheduler::kill_task_attempt(task_id tid, bool interrupt,
                                       const std::string& reason) {
  auto& d = *impl_;
  auto m = d.owner(tid);
  auto executor = m ? m->running_executor(tid) : std::nullopt;
  if (!executor) {
    logger().debug("tid={} cannot be killed: not running", tid);
    return false;
  }
  d.ctx.events.kill_task(*executor, tid, interrupt, reason);
  return true;
}

// -- offers ------------------------------------------------------------------

std::vector<std::vector<task_description>>
task_scheduler::resource_offers(std::vector<worker_offer> offers,
                                time_point now) {
  auto& d = *impl_;
  // Offers may come from executors nobody announced yet (as in Spark).
  bool new_executor = false;
  for (auto& o : offers)
    new_executor |= d.ctx.executors.add(o.executor, o.host);
  if (new_executor)
    d.recompute_locality();
  std::vector<std::vector<task_description>> result(offers.size());
  // Spread tasks over executors: visit the offers in a random order.
  std::vector<std::size_t> order(offers.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), d.rng);
  std::vector<int> free_cores(offers.size());
  for (std::size_t i = 0; i < offers.size(); ++i)
    free_cores[i] = offers[i].cores;
  auto cpus = d.ctx.cfg.task_cpus;
  // A snapshot: callbacks may submit or drop task sets.
  auto managers = d.active;
  for (auto& m : managers) {
    if (!m->has_pending_tasks())
      continue;
    // Offer each level to every executor before moving to a farther one,
    // so that each executor gets a chance at its local tasks first.
    auto levels = m->valid_levels();
    for (auto level : levels) {
      bool launched = true;
      while (launched) {
        launched = false;
        for (auto i : order) {
          if (free_cores[i] < cpus)
            continue;
          auto desc = m->resource_offer(offers[i].executor, offers[i].host,
                                        level, now);
          if (!desc)
            continue;
          d.owners.emplace(desc->tid, m);
          free_cores[i] -= cpus;
          result[i].push_back(std::move(*desc));
          launched = true;
        }
      }
    }
  }
  // A task set may have aborted (task larger than frame_size).
  d.remove_finished();
  return result;
}

// -- executors ---------------------------------------------------------------

void task_scheduler::executor_added(const executor_id& executor,
                                    const std::string& host, time_point) {
  auto& d = *impl_;
  if (!d.ctx.executors.add(executor, host)) {
    logger().debug("exec={} already registered", executor);
    return;
  }
  logger().info("exec={} added on host {}", executor, host);
  d.recompute_locality();
}

void task_scheduler::executor_lost(const executor_id& executor,
                                   const std::string& reason,
                                   bool exit_caused_by_app, time_point now) {
  auto& d = *impl_;
  if (d.ctx.executors.remove(executor))
    logger().warn("exec={} lost: {}", executor, reason);
  else
    logger().debug("exec={} lost, but it was not registered: {}", executor,
                   reason);
  auto managers = d.active;
  for (auto& m : managers) {
    for (auto tid : m->executor_lost(executor, reason, exit_caused_by_app,
                                     now))
      d.owners.erase(tid);
    d.remove_if_finished(m);
  }
}

bool task_scheduler::is_executor_alive(const executor_id& executor) const {
  return impl_->ctx.executors.is_alive(executor);
}

void task_scheduler::set_rack_resolver(
  std::function<std::optional<std::string>(const std::string& host)>
    resolver) {
  impl_->ctx.executors.set_rack_resolver(std::move(resolver));
  impl_->recompute_locality();
}

// -- status updates and results ----------------------------------------------

status_action task_scheduler::status_update(task_id tid, task_state state,
                                             bytes payload, time_point) {
  auto& d = *impl_;
  status_action action;
  auto m = d.owner(tid);
  if (!m) {
    logger().warn("tid={} ignoring {} update: the task is unknown, already "
                  "handled, or its executor was lost",
                  tid, to_string(state));
    return action;
  }
  auto info = m->status_update(tid, state);
  if (info == nullptr) {
    logger().debug("tid={} ignoring {} update: the task is no longer running",
                   tid, to_string(state));
    return action;
  }
  action.tid = tid;
  action.state = state;
  action.executor = info->executor;
  switch (state) {
    case task_state::finished:
      action.kind = status_action::fetch_result;
      action.payload = std::move(payload);
      action.budget = m->budget();
      break;
    case task_state::failed:
    case task_state::killed:
    case task_state::lost:
      action.kind = status_action::decode_failure;
      action.payload = std::move(payload);
      action.remove_executor = state == task_state::lost;
      break;
    default:
      break;
  }
  return action;
}

void task_scheduler::handle_task_getting_result(task_id tid, time_point now) {
  if (auto m = impl_->owner(tid))
    m->handle_task_getting_result(tid, now);
}

void task_scheduler::handle_successful_task(task_id tid,
                                            direct_task_result result,
                                            time_point now) {
  auto& d = *impl_;
  auto m = d.take_owner(tid);
  if (!m) {
    logger().debug("tid={} ignoring result: unknown or already handled", tid);
    return;
  }
  m->handle_successful_task(tid, std::move(result), now);
  d.remove_if_finished(m);
}

void task_scheduler::handle_failed_task(task_id tid, task_state state,
                                        task_end_reason reason,
                                        time_point now) {
  auto& d = *impl_;
  auto m = d.take_owner(tid);
  if (!m) {
    logger().debug("tid={} ignoring failure: unknown or already handled",
                   tid);
    return;
  }
  m->handle_failed_task(tid, state, std::move(reason), now);
  d.remove_if_finished(m);
}

void task_scheduler::abort_task_set_of(task_id tid,
                                       const std::string& message) {
  auto& d = *impl_;
  if (auto m = d.owner(tid)) {
    m->abort(message);
    d.remove_if_finished(m);
  }
}

void task_scheduler::notify_partition_completion(stage_id stage,
                                                 std::int32_t partition) {
  auto& d = *impl_;
  for (auto& m : d.attempts_of(stage)) {
    m->mark_partition_completed(partition);
    d.remove_if_finished(m);
  }
}

// -- introspection -----------------------------------------------------------

std::optional<executor_id> task_scheduler::executor_of(task_id tid) const {
  auto m = impl_->owner(tid);
  return m ? m->running_executor(tid) : std::nullopt;
}

std::size_t task_scheduler::running_tasks() const noexcept {
  // A task set leaves `active` only once nothing of it runs.
  std::size_t n = 0;
  for (auto& m : impl_->active)
    n += m->running_count();
  return n;
}

bool task_scheduler::has_pending_tasks() const {
  auto& active = impl_->active;
  return std::any_of(active.begin(), active.end(),
                     [](auto& m) { return m->has_pending_tasks(); });
}

std::size_t task_scheduler::active_task_sets() const noexcept {
  return impl_->active.size();
}

const task_set_manager* task_scheduler::manager(stage_id stage,
                                                std::int32_t attempt) const {
  auto it = impl_->stages.find(stage);
  if (it == impl_->stages.end())
    return nullptr;
  auto& attempts = it->second;
  for (auto i = attempts.rbegin(); i != attempts.rend(); ++i)
    if ((*i)->stage_attempt() == attempt)
      return i->get();
  return nullptr;
}

} // namespace ember
