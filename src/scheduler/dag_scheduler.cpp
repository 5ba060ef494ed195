#include "scheduler/dag_scheduler.hpp"

#include "api/task_registry.hpp"
#include "common/logging.hpp"
#include "common/serialization.hpp"
#include "scheduler/listener_bus.hpp"
#include "scheduler/stage_binary.hpp"

#include <algorithm>

namespace ember {

namespace {

auto wall_now() {
  return std::chrono::system_clock::now();
}

/// Wraps a task-function job into a one-node lineage.
std::shared_ptr<const lineage> task_function_lineage(job_spec& spec) {
  auto g = std::make_shared<lineage>();
  lineage_node n;
  n.kind = lineage_kind::task_function;
  n.num_partitions = spec.num_partitions;
  n.function = spec.function;
  n.args = std::move(spec.args);
  n.name = spec.name;
  n.partition_data = std::move(spec.partition_inputs);
  n.preferred = std::move(spec.preferred_locations);
  g->add(std::move(n));
  return g;
}

} // namespace


dag_scheduler::dag_scheduler(backend& be, std::shared_ptr<listener_bus> bus,
                             dag_scheduler_options opts)
  : backend_(be), bus_(std::move(bus)), opts_(opts) {
}

dag_scheduler::~dag_scheduler() = default;

const stage* dag_scheduler::find_stage(stage_id id) const {
  auto it = stages_.find(id);
  return it == stages_.end() ? nullptr : &it->second;
}

// -- jobs ---------------------------------------------------------------------

job_id dag_scheduler::submit_job(job_spec spec,
                                 std::shared_ptr<job_waiter> waiter,
                                 job_id requested) {
  auto id = requested >= 0 ? requested : next_job_id_;
  next_job_id_ = std::max(next_job_id_, id + 1);
  waiter->set_job_id(id);
  auto n = spec.partitions();
  if (n <= 0) {
    logger().info("job={} Job {} ({}) has no partitions: finished", id, id,
                  spec.name);
    if (bus_) {
      bus_->post(job_start{id, wall_now(), {}});
      bus_->post(job_end{id, wall_now(), true, {}});
    }
    waiter->job_finished();
    return id;
  }
  auto plan = spec.plan ? spec.plan : task_function_lineage(spec);
  auto target = spec.plan ? spec.target : 0;
  auto job = std::make_unique<active_job>();
  job->id = id;
  job->name = spec.name;
  job->waiter = std::move(waiter);
  job->result_handler = std::move(spec.result_handler);
  job->result_function = std::move(spec.result_function);
  job->result_args = std::move(spec.result_args);
  job->finished.assign(static_cast<std::size_t>(n), false);
  stage_id final_stage = -1;
  try {
    auto parents = parent_stages(plan, target, id);
    final_stage = new_stage(plan, target, id, std::move(parents));
  } catch (const std::exception& e) {
    logger().error("job={} Cannot create the stages of job {}: {}", id, id,
                   e.what());
    job->waiter->job_failed("Job " + std::to_string(id)
                            + " failed to create its stages: " + e.what());
    return id;
  }
  stages_.at(final_stage).result_job = id;
  job->final_stage = final_stage;
  auto& ref = *job;
  jobs_.emplace(id, std::move(job));
  logger().info("job={} stage={} Got job {} ({}) with {} output partitions",
                id, final_stage, id, ref.name, n);
  if (bus_) {
    std::vector<stage_id> ids;
    for (auto& [sid, s] : stages_)
      if (s.jobs.count(id) > 0)
        ids.push_back(sid);
    bus_->post(job_start{id, wall_now(), std::move(ids)});
  }
  submit_stage(final_stage);
  return id;
}

void dag_scheduler::cancel_job(job_id id, const std::string& reason) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) {
    logger().warn("job={} Cannot cancel: no such active job", id);
    return;
  }
  auto msg = "Job " + std::to_string(id) + " cancelled";
  if (!reason.empty())
    msg += " " + reason;
  fail_job(*it->second, msg);
}

void dag_scheduler::fail_all(const std::string& reason) {
  while (!jobs_.empty()) {
    auto& job = *jobs_.begin()->second;
    fail_job(job, "Job " + std::to_string(job.id) + " cancelled because "
                    + reason);
  }
}

// -- stage creation -----------------------------------------------------------

std::vector<stage_id>
dag_scheduler::parent_stages(const std::shared_ptr<const lineage>& g,
                             int node, job_id job) {
  std::vector<stage_id> result;
  for (auto* dep : direct_shuffle_dependencies(*g, node))
    result.push_back(shuffle_map_stage(g, *dep, job));
  return result;
}

stage_id
dag_scheduler::shuffle_map_stage(const std::shared_ptr<const lineage>& g,
                                 const shuffle_dependency& dep, job_id job) {
  if (auto it = map_stage_of_shuffle_.find(dep.shuffle);
      it != map_stage_of_shuffle_.end()) {
    add_job_to_stages(it->second, job);
    return it->second;
  }
  // Ancestors first, so that parents get lower ids.
  auto parents = parent_stages(g, dep.parent, job);
  auto id = new_stage(g, dep.parent, job, std::move(parents));
  auto& s = stages_.at(id);
  s.shuffle_dep = dep;
  map_stage_of_shuffle_.emplace(dep.shuffle, id);
  if (!tracker_.contains_shuffle(dep.shuffle))
    tracker_.register_shuffle(dep.shuffle, s.num_tasks, dep.num_reduces());
  return id;
}

stage_id dag_scheduler::new_stage(const std::shared_ptr<const lineage>& g,
                                  int node, job_id job,
                                  std::vector<stage_id> parents) {
  auto id = next_stage_id_++;
  stage s;
  s.id = id;
  s.plan = g;
  s.node = node;
  s.num_tasks = g->at(node).num_partitions;
  s.parents = std::move(parents);
  s.first_job = job;
  s.jobs.insert(job);
  stages_.emplace(id, std::move(s));
  return id;
}

void dag_scheduler::add_job_to_stages(stage_id id, job_id job) {
  auto& s = stages_.at(id);
  if (!s.jobs.insert(job).second)
    return;
  for (auto parent : s.parents)
    add_job_to_stages(parent, job);
}

// -- submission ---------------------------------------------------------------

dag_scheduler::active_job* dag_scheduler::active_job_for(const stage& s) {
  for (auto job : s.jobs)
    if (auto it = jobs_.find(job); it != jobs_.end())
      return it->second.get();
  return nullptr;
}

std::vector<stage_id> dag_scheduler::missing_parents(const stage& s) const {
  std::vector<stage_id> result;
  for (auto parent : s.parents) {
    auto& p = stages_.at(parent);
    if (!tracker_.is_available(p.shuffle_dep->shuffle))
      result.push_back(parent);
  }
  return result;
}

void dag_scheduler::submit_stage(stage_id id) {
  auto it = stages_.find(id);
  if (it == stages_.end())
    return;
  auto& s = it->second;
  auto* job = active_job_for(s);
  if (job == nullptr) {
    abort_stage(s, "No active job for stage " + std::to_string(id));
    return;
  }
  if (waiting_.count(id) || running_.count(id) || failed_.count(id))
    return;
  auto missing = missing_parents(s);
  if (missing.empty()) {
    submit_missing_tasks(s, *job);
    return;
  }
  for (auto parent : missing)
    submit_stage(parent);
  waiting_.insert(id);
}

void dag_scheduler::submit_missing_tasks(stage& s, active_job& job) {
  std::vector<int> partitions;
  if (s.is_shuffle_map()) {
    partitions = tracker_.find_missing_partitions(s.shuffle_dep->shuffle);
  } else {
    for (int p = 0; p < static_cast<int>(job.finished.size()); ++p)
      if (!job.finished[p])
        partitions.push_back(p);
  }
  running_.insert(s.id);
  auto attempt = ++s.latest_attempt;
  s.attempt_epochs[attempt] = tracker_.epoch();
  if (s.is_shuffle_map())
    s.pending_partitions = {partitions.begin(), partitions.end()};
  const auto& g = *s.plan;
  logger().info("job={} stage={}.{} Submitting {} missing tasks from {}",
                job.id, s.id, attempt, partitions.size(), s.describe());
  if (bus_)
    bus_->post(stage_submitted{s.id, attempt, g.at(s.node).name,
                               static_cast<int>(partitions.size())});
  if (partitions.empty()) {
    mark_stage_finished(s);
    submit_waiting_children(s);
    return;
  }
  task_set ts;
  ts.stage = s.id;
  ts.stage_attempt = attempt;
  ts.priority = job.id;
  ts.shuffle_map_stage = s.is_shuffle_map();
  const auto& node = g.at(s.node);
  bool function_task = node.kind == lineage_kind::task_function;
  if (function_task) {
    ts.binary = bytes{encode_task_binary(node.function, node.args)};
  } else {
    stage_binary bin;
    bin.plan = g;
    bin.target = s.node;
    bin.shuffle_map = s.is_shuffle_map();
    if (s.is_shuffle_map())
      bin.dep = *s.shuffle_dep;
    bin.result_function = job.result_function;
    bin.result_args = job.result_args;
    for (auto* dep : direct_shuffle_dependencies(g, s.node)) {
      std::vector<map_status> statuses;
      for (auto& st : tracker_.statuses(dep->shuffle))
        if (st)
          statuses.push_back(*st);
      bin.map_outputs.emplace_back(dep->shuffle, std::move(statuses));
    }
    bin.epoch = tracker_.epoch();
    ts.binary = bytes{encode_stage_binary(bin)};
  }
  ts.tasks.reserve(partitions.size());
  for (auto p : partitions) {
    task_spec t;
    t.partition = p;
    t.preferred = preferred_locations(g, s.node, p);
    if (function_task) {
      if (static_cast<std::size_t>(p) < node.partition_data.size())
        t.partition_data = node.partition_data[p];
    } else {
      t.partition_data = bytes{encode_partition_inputs(g, s.node, p)};
    }
    ts.tasks.push_back(std::move(t));
  }
  backend_.submit_task_set(std::move(ts));
}

void dag_scheduler::submit_waiting_children(const stage& parent) {
  std::vector<stage_id> children;
  for (auto id : waiting_) {
    auto& s = stages_.at(id);
    if (std::find(s.parents.begin(), s.parents.end(), parent.id)
        != s.parents.end())
      children.push_back(id);
  }
  std::sort(children.begin(), children.end(), [this](auto a, auto b) {
    return stages_.at(a).first_job < stages_.at(b).first_job
           || (stages_.at(a).first_job == stages_.at(b).first_job && a < b);
  });
  for (auto id : children)
    waiting_.erase(id);
  for (auto id : children)
    submit_stage(id);
}

void dag_scheduler::resubmit_failed_stages() {
  if (failed_.empty())
    return;
  logger().info("Resubmitting failed stages");
  std::vector<stage_id> ids{failed_.begin(), failed_.end()};
  failed_.clear();
  std::sort(ids.begin(), ids.end(), [this](auto a, auto b) {
    return stages_.at(a).first_job < stages_.at(b).first_job
           || (stages_.at(a).first_job == stages_.at(b).first_job && a < b);
  });
  for (auto id : ids)
    submit_stage(id);
}

} // namespace ember
