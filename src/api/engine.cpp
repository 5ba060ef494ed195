#include "api/engine.hpp"

#include "api/local_runtime.hpp"
#include "common/logging.hpp"
#include "scheduler/listener_bus.hpp"
#include "storage/block_manager_actor.hpp"

#include <caf/all.hpp>

#include <cstdlib>

namespace ember {

namespace {

caf::actor_system_config& prepare(caf::actor_system_config& sys_cfg,
                                  const config& cfg) {
  sys_cfg.set("logger.file-verbosity", caf::atom("quiet"));
  sys_cfg.set("logger.console-verbosity", caf::atom("quiet"));
  // Two CAF workers are plenty: user code runs on the executors' own
  // task-runner threads, never on CAF's.
  sys_cfg.set("scheduler.max-threads", size_t{2});
  (void) cfg;
  return sys_cfg;
}

} // namespace

struct engine::impl {
  explicit impl(config c)
    : cfg(std::move(c)),
      bus(std::make_shared<listener_bus>()),
      system(prepare(sys_cfg, cfg)) {
    if (std::getenv("EMBER_LOG_LEVEL") == nullptr)
      set_log_level(cfg.log_level);
    bus->start();
    runtime_options opts;
    opts.cfg = cfg;
    opts.executors = cfg.local_executors;
    opts.bus = bus;
    runtime = std::make_unique<local_runtime>(system, std::move(opts));
  }

  ~impl() {
    runtime->stop();
    runtime.reset();
    system.await_all_actors_done();
    bus->stop();
  }

  config cfg;
  std::shared_ptr<listener_bus> bus;
  caf::actor_system_config sys_cfg;
  caf::actor_system system;
  std::unique_ptr<local_runtime> runtime;
};

engine::engine(config cfg) {
  cfg.validate();
  impl_ = std::make_unique<impl>(std::move(cfg));
}

engine::~engine() = default;

std::shared_ptr<job_waiter> engine::submit(job_spec spec) {
  return impl_->runtime->submit(std::move(spec));
}

job_result engine::run(job_spec spec) {
  return submit(std::move(spec))->wait();
}

void engine::cancel(job_id id, std::string reason) {
  impl_->runtime->cancel(id, std::move(reason));
}

void engine::add_listener(std::shared_ptr<listener> l) {
  impl_->bus->add_listener(std::move(l));
}

bool engine::wait_for_listeners(std::chrono::milliseconds timeout) {
  return impl_->bus->wait_until_empty(timeout);
}

const config& engine::cfg() const noexcept {
  return impl_->cfg;
}

} // namespace ember
