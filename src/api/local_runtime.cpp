#include "api/local_runtime.hpp"

#include "actors/dag_scheduler_actor.hpp"
#include "actors/driver_actor.hpp"
#include "actors/executor_backend.hpp"
#include "common/logging.hpp"
#include "storage/block_manager_actor.hpp"

#include <caf/all.hpp>

#include <thread>

namespace ember {

int local_executor_cores(const config& cfg) {
  if (cfg.executor_cores > 0)
    return cfg.executor_cores;
  auto n = static_cast<int>(std::thread::hardware_concurrency());
  return n > 0 ? n : 1;
}

local_runtime::local_runtime(caf::actor_system& sys, runtime_options opts)
  : sys_(sys), opts_(std::move(opts)) {
  opts_.cfg.validate();
  dag_scheduler_options dag_opts;
  dag_opts.max_consecutive_stage_attempts
    = opts_.cfg.max_consecutive_stage_attempts;
  dag_opts.resubmit_delay = opts_.cfg.resubmit_delay;
  dag_ = spawn_dag_scheduler(sys_, opts_.bus, dag_opts);
  driver_options dopts;
  dopts.cfg = opts_.cfg;
  dopts.dag = dag_;
  dopts.bus = opts_.bus;
  dopts.seed = opts_.seed;
  driver_ = spawn_driver(sys_, std::move(dopts));
  caf::anon_send(dag_, attach_driver{driver_});
  auto cores = local_executor_cores(opts_.cfg);
  for (int i = 0; i < opts_.executors; ++i)
    add_executor(std::to_string(i), cores);
}

local_runtime::~local_runtime() {
  stop();
}

const executor_handles& local_runtime::add_executor(
  executor_id id, int cores,
  std::function<void(bool, const std::string&)> on_registered) {
  auto bm_opts = block_manager_options::from_config(opts_.cfg, id);
  if (opts_.fs)
    bm_opts.fs = opts_.fs;
  auto bm = spawn_block_manager(sys_, id, std::move(bm_opts));
  std::shared_ptr<task_runner_pool> pool
    = opts_.make_pool
        ? opts_.make_pool(id, cores)
        : std::make_shared<thread_task_runner_pool>(
          static_cast<std::size_t>(cores));
  executor_options eopts;
  eopts.id = id;
  eopts.host = "localhost";
  eopts.cores = cores;
  eopts.cfg = opts_.cfg;
  eopts.driver = driver_;
  eopts.block_manager = caf::actor_cast<caf::actor>(bm);
  eopts.pool = pool;
  eopts.on_registered = std::move(on_registered);
  auto backend = spawn_executor(sys_, std::move(eopts));
  executors_.push_back(executor_handles{std::move(id), std::move(backend),
                                        caf::actor_cast<caf::actor>(bm),
                                        std::move(pool)});
  return executors_.back();
}

std::shared_ptr<job_waiter> local_runtime::submit(job_spec spec) {
  auto waiter = std::make_shared<job_waiter>(spec.partitions());
  auto id = next_job_id_.fetch_add(1);
  waiter->set_job_id(id);
  caf::anon_send(dag_, submit_job{std::move(spec), waiter, id});
  return waiter;
}

void local_runtime::cancel(job_id id, std::string reason) {
  caf::anon_send(dag_, cancel_job{id, std::move(reason)});
}

void local_runtime::stop() {
  if (stopped_)
    return;
  stopped_ = true;
  // The driver goes first, so it does not mistake stopping executors for
  // lost ones.
  caf::anon_send_exit(driver_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(dag_, caf::exit_reason::user_shutdown);
  for (auto& e : executors_) {
    caf::anon_send_exit(e.backend, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(e.block_manager, caf::exit_reason::user_shutdown);
  }
  // Join the runner threads; their last reports go nowhere.
  for (auto& e : executors_)
    e.pool->shutdown();
}

} // namespace ember
