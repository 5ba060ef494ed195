#include "scheduler/task_set_manager.hpp"

#include "common/logging.hpp"

#include <algorithm>

namespace ember {

namespace {

/// "task 3.1 in stage 2.0 (TID 17)", as task_description::name().
std::string attempt_name(const task_info& info) {
  return "task " + std::to_string(info.index) + "."
         + std::to_string(info.attempt) + " in stage "
         + std::to_string(info.stage) + "."
         + std::to_string(info.stage_attempt) + " (TID "
         + std::to_string(info.tid) + ")";
}

/// Spark's failureReason: "Lost task 3.1 in stage 2.0 (TID 17) (host
/// executor 1): <error string>".
std::string lost_message(const task_info& info,
                         const task_end_reason& reason) {
  return "Lost " + attempt_name(info) + " (" + info.host + " executor "
         + info.executor + "): " + to_error_string(reason);
}

config::duration wait_for(const config& cfg, locality_level level) {
  switch (level) {
    case locality_level::process_local:
      return cfg.locality_wait_for_process();
    case locality_level::node_local:
      return cfg.locality_wait_for_node();
    case locality_level::rack_local:
      return cfg.locality_wait_for_rack();
    default:
      return config::duration{0};
  }
}

} // namespace

task_set_manager::task_set_manager(task_set ts, scheduler_context& ctx,
                                   time_point now)
  : ctx_(ctx),
    ts_(std::move(ts)),
    state_(ts_.tasks.size()),
    budget_(std::make_shared<result_size_budget>(ctx.cfg.max_result_size)),
    last_reset_(now) {
  auto n = num_tasks();
  pending_.reserve(state_.size());
  // In reverse, so that low indices are on top of every list.
  for (auto i = n; i-- > 0;)
    pending_.add(i, ts_.tasks[i].preferred, ctx_.executors);
  num_pending_ = n;
  compute_levels();
  if (n == 0)
    zombie_ = true;
}

// -- launching ---------------------------------------------------------------

std::optional<task_description>
task_set_manager::resource_offer(const executor_id& executor,
                                 const std::string& host,
                                 locality_level max_locality, time_point now) {
  if (zombie_ || num_pending_ == 0)
    return std::nullopt;
  auto allowed = max_locality;
  if (max_locality != locality_level::no_pref) {
    allowed = allowed_locality_level(now);
    if (allowed > max_locality)
      allowed = max_locality;
  }
  auto found = pending_.dequeue(executor, host, allowed, ctx_.executors,
                                pending_filter());
  if (!found)
    return std::nullopt;
  return launch(found->index, executor, host, found->locality, max_locality,
                now);
}

std::optional<task_description>
task_set_manager::launch(std::int32_t index, const executor_id& executor,
                         const std::string& host, locality_level locality,
                         locality_level max_locality, time_point now) {
  auto& spec = ts_.tasks[index];
  auto size = static_cast<std::int64_t>(ts_.binary.size()
                                        + spec.partition_data.size());
  if (size > ctx_.cfg.frame_size) {
    abort("Serialized task " + ts_.id() + ":" + std::to_string(index)
          + " was " + std::to_string(size)
          + " bytes, which exceeds max allowed: frame_size ("
          + std::to_string(ctx_.cfg.frame_size)
          + " bytes). Consider increasing frame_size or using broadcast "
            "variables for large values.");
    return std::nullopt;
  }
  auto& st = state_[index];
  set_state(index, st.successful, true);
  auto tid = ctx_.next_tid++;
  task_info info;
  info.tid = tid;
  info.index = index;
  info.attempt = st.attempts++;
  info.partition = spec.partition;
  info.stage = ts_.stage;
  info.stage_attempt = ts_.stage_attempt;
  info.executor = executor;
  info.host = host;
  info.locality = locality;
  info.launch_time = now;
  info.state = task_state::launching;
  attempts_.emplace(tid, attempt{info, true});
  ++running_;
  // Legacy delay scheduling: a launch resets the wait timer at its level.
  if (max_locality != locality_level::no_pref) {
    current_ = locality_index(locality);
    last_reset_ = now;
  }
  task_description desc;
  desc.tid = tid;
  desc.attempt = info.attempt;
  desc.stage = ts_.stage;
  desc.stage_attempt = ts_.stage_attempt;
  desc.partition = spec.partition;
  desc.index = index;
  desc.executor = executor;
  desc.cpus = ctx_.cfg.task_cpus;
  desc.binary = ts_.binary;
  desc.partition_data = spec.partition_data;
  logger().debug("exec={} stage={}.{} tid={} starting task {}.{} on {} ({}, "
                 "{} bytes)",
                 executor, ts_.stage, ts_.stage_attempt, tid, index,
                 info.attempt, host, to_string(locality), size);
  ctx_.events.task_started(info);
  return desc;
}

locality_level task_set_manager::allowed_locality_level(time_point now) {
  while (current_ + 1 < levels_.size()) {
    auto level = levels_[current_];
    if (!pending_.has_tasks(level, pending_filter())) {
      // Nothing to wait for at this level (SPARK-4939).
      last_reset_ = now;
      ++current_;
    } else if (now - last_reset_ >= waits_[current_]) {
      // Waited long enough; the next level's wait starts where this ended.
      last_reset_ += waits_[current_];
      ++current_;
    } else {
      return level;
    }
    logger().debug("stage={}.{} moving to locality level {}", ts_.stage,
                   ts_.stage_attempt, to_string(levels_[current_]));
  }
  return levels_[current_];
}

void task_set_manager::recompute_locality() {
  if (zombie_)
    return;
  auto previous_index = current_;
  auto previous_level = levels_[current_];
  auto previous_levels = levels_;
  compute_levels();
  current_ = locality_index(previous_level);
  // SPARK-31837: if a better level appeared, start waiting there.
  if (current_ > previous_index)
    for (auto level : levels_)
      if (std::find(previous_levels.begin(), previous_levels.end(), level)
          == previous_levels.end()) {
        current_ = locality_index(level);
        break;
      }
}

void task_set_manager::compute_levels() {
  levels_ = pending_.valid_levels(ctx_.executors);
  waits_.clear();
  for (auto level : levels_)
    waits_.push_back(wait_for(ctx_.cfg, level));
}

std::size_t
task_set_manager::locality_index(locality_level level) const noexcept {
  std::size_t i = 0;
  while (i + 1 < levels_.size() && level > levels_[i])
    ++i;
  return i;
}

// -- attempts ----------------------------------------------------------------

const task_info* task_set_manager::status_update(task_id tid,
                                                 task_state state) {
  auto it = attempts_.find(tid);
  if (it == attempts_.end() || !it->second.running)
    return nullptr;
  auto& a = it->second;
  if (state == task_state::running) {
    a.info.state = task_state::running;
  } else if (ember::is_finished(state)) {
    a.running = false;
    --running_;
  }
  return &a.info;
}

void task_set_manager::handle_task_getting_result(task_id tid,
                                                  time_point now) {
  auto it = attempts_.find(tid);
  if (it == attempts_.end())
    return;
  it->second.info.getting_result_time = now;
  auto info = it->second.info;
  ctx_.events.task_getting_result(info);
}

bool task_set_manager::handle_successful_task(task_id tid,
                                              direct_task_result result,
                                              time_point now) {
  auto it = attempts_.find(tid);
  if (it == attempts_.end()) {
    logger().debug("stage={}.{} tid={} ignoring result of a handled attempt",
                   ts_.stage, ts_.stage_attempt, tid);
    return false;
  }
  auto& a = it->second;
  if (a.running) {
    a.running = false;
    --running_;
  }
  a.info.state = task_state::finished;
  a.info.finish_time = now;
  auto index = a.info.index;
  auto& st = state_[index];
  if (!st.successful) {
    set_state(index, true, false);
    st.failures = 0;
    st.success_tid = tid;
    if (ts_.shuffle_map_stage)
      st.success_executor = intern_executor(a.info.executor, a.info.host);
    logger().debug("exec={} stage={}.{} tid={} finished task {}.{} ({}/{})",
                   a.info.executor, ts_.stage, ts_.stage_attempt, tid, index,
                   a.info.attempt, tasks_successful_, num_tasks());
    if (tasks_successful_ == num_tasks())
      make_zombie();
  } else {
    set_state(index, true, false);
    logger().debug("exec={} stage={}.{} tid={} ignoring task-finished event: "
                   "task {} already completed successfully",
                   a.info.executor, ts_.stage, ts_.stage_attempt, tid, index);
  }
  completion_event ev{std::move(a.info), success_reason{},
                      std::move(result.value),
                      std::move(result.accum_updates), result.metrics};
  attempts_.erase(it);
  ctx_.events.task_ended(std::move(ev));
  return true;
}

bool task_set_manager::handle_failed_task(task_id tid, task_state state,
                                          task_end_reason reason,
                                          time_point now) {
  auto it = attempts_.find(tid);
  if (it == attempts_.end()) {
    logger().debug("stage={}.{} tid={} ignoring failure of a handled attempt",
                   ts_.stage, ts_.stage_attempt, tid);
    return false;
  }
  if (it->second.running) {
    it->second.running = false;
    --running_;
  }
  auto info = std::move(it->second.info);
  attempts_.erase(it);
  info.state = state;
  info.finish_time = now;
  auto index = info.index;
  auto& st = state_[index];
  set_state(index, st.successful, false);
  std::string abort_message;
  if (std::holds_alternative<fetch_failed_reason>(reason)) {
    // The parent stage's output is gone: the DAG scheduler resubmits both
    // stages, so this attempt of the stage launches nothing more.
    logger().warn("exec={} stage={}.{} tid={} {}", info.executor, ts_.stage,
                  ts_.stage_attempt, tid, lost_message(info, reason));
    set_state(index, true, false);
    make_zombie();
  } else if (!counts_towards_task_failures(reason)) {
    if (logger().should_log(spdlog::level::debug))
      logger().debug("exec={} stage={}.{} tid={} {} (not counted as a task "
                     "failure)",
                     info.executor, ts_.stage, ts_.stage_attempt, tid,
                     lost_message(info, reason));
  } else {
    auto message = lost_message(info, reason);
    logger().warn("exec={} stage={}.{} tid={} {}", info.executor, ts_.stage,
                  ts_.stage_attempt, tid, message);
    if (!zombie_ && ++st.failures >= ctx_.cfg.max_task_failures)
      abort_message = "Task " + std::to_string(index) + " in stage "
                      + ts_.id() + " failed "
                      + std::to_string(ctx_.cfg.max_task_failures)
                      + " times, most recent failure: " + message;
  }
  ctx_.events.task_ended(
    completion_event{std::move(info), std::move(reason), {}, {}, {}});
  if (!abort_message.empty()) {
    abort(abort_message);
    return true;
  }
  if (!zombie_ && is_pending(index))
    pending_.add(index, ts_.tasks[index].preferred, ctx_.executors);
  return true;
}

std::vector<task_id>
task_set_manager::executor_lost(const executor_id& executor,
                                const std::string& reason,
                                bool exit_caused_by_app, time_point now) {
  // Map output written on the executor is gone with it: run those tasks
  // again, and tell the DAG scheduler so it does not consider them done.
  auto ref = executor_index_.find(executor);
  if (ts_.shuffle_map_stage && !zombie_ && ref != executor_index_.end()) {
    auto id = ref->second;
    for (std::int32_t i = 0; i < num_tasks() && !zombie_; ++i) {
      auto& st = state_[i];
      if (!st.successful || st.live || st.success_executor != id)
        continue;
      set_state(i, false, false);
      st.success_executor = no_executor;
      pending_.add(i, ts_.tasks[i].preferred, ctx_.executors);
      task_info info;
      info.tid = st.success_tid;
      info.index = i;
      info.attempt = st.attempts - 1;
      info.partition = ts_.tasks[i].partition;
      info.stage = ts_.stage;
      info.stage_attempt = ts_.stage_attempt;
      info.executor = executor;
      info.host = executors_[id].second;
      info.state = task_state::finished;
      logger().debug("exec={} stage={}.{} tid={} resubmitting task {}: its "
                     "output was lost",
                     executor, ts_.stage, ts_.stage_attempt, info.tid, i);
      ctx_.events.task_ended(
        completion_event{std::move(info), resubmitted_reason{}, {}, {}, {}});
    }
  }
  // Every attempt not yet handled fails, including those whose result is
  // still being fetched from the lost executor (as in Spark).
  std::vector<task_id> lost;
  for (auto& [tid, a] : attempts_)
    if (a.info.executor == executor)
      lost.push_back(tid);
  std::sort(lost.begin(), lost.end());
  for (auto tid : lost)
    handle_failed_task(tid, task_state::lost,
                       executor_lost_failure_reason{executor,
                                                    exit_caused_by_app,
                                                    reason},
                       now);
  recompute_locality();
  return lost;
}

void task_set_manager::mark_partition_completed(std::int32_t partition) {
  auto& tasks = ts_.tasks;
  auto by_partition = [](const task_spec& t, std::int32_t p) {
    return t.partition < p;
  };
  // The DAG scheduler lists partitions in ascending order; fall back to a
  // scan if this task set does not.
  auto it = std::lower_bound(tasks.begin(), tasks.end(), partition,
                             by_partition);
  if (it == tasks.end() || it->partition != partition)
    it = std::find_if(tasks.begin(), tasks.end(), [&](const task_spec& t) {
      return t.partition == partition;
    });
  if (it == tasks.end())
    return;
  auto index = static_cast<std::int32_t>(it - tasks.begin());
  auto& st = state_[index];
  if (st.successful)
    return;
  set_state(index, true, st.live);
  st.failures = 0;
  if (tasks_successful_ == num_tasks())
    make_zombie();
}

void task_set_manager::abort(const std::string& message) {
  if (aborted_)
    return;
  aborted_ = true;
  make_zombie();
  logger().warn("stage={}.{} aborting task set: {}", ts_.stage,
                ts_.stage_attempt, message);
  ctx_.events.task_set_failed(ts_.stage, ts_.stage_attempt, message);
}

void task_set_manager::make_zombie() {
  zombie_ = true;
  pending_.clear();
}

std::vector<std::pair<task_id, executor_id>>
task_set_manager::running_attempts() const {
  std::vector<std::pair<task_id, executor_id>> result;
  for (auto& [tid, a] : attempts_)
    if (a.running)
      result.emplace_back(tid, a.info.executor);
  std::sort(result.begin(), result.end());
  return result;
}

// -- introspection -----------------------------------------------------------

const task_info* task_set_manager::info(task_id tid) const {
  auto it = attempts_.find(tid);
  return it != attempts_.end() ? &it->second.info : nullptr;
}

std::optional<executor_id>
task_set_manager::running_executor(task_id tid) const {
  auto it = attempts_.find(tid);
  if (it == attempts_.end() || !it->second.running)
    return std::nullopt;
  return it->second.info.executor;
}

// -- helpers -----------------------------------------------------------------

void task_set_manager::set_state(std::int32_t index, bool successful,
                                 bool live) {
  auto& st = state_[index];
  num_pending_ -= is_pending(index) ? 1 : 0;
  tasks_successful_ -= st.successful ? 1 : 0;
  st.successful = successful;
  st.live = live;
  num_pending_ += is_pending(index) ? 1 : 0;
  tasks_successful_ += st.successful ? 1 : 0;
}

std::uint32_t task_set_manager::intern_executor(const executor_id& executor,
                                                const std::string& host) {
  auto [it, added] = executor_index_.emplace(
    executor, static_cast<std::uint32_t>(executors_.size()));
  if (added)
    executors_.emplace_back(executor, host);
  return it->second;
}

} // namespace ember
