#include "actors/driver_actor.hpp"

#include "actors/result_getter.hpp"
#include "api/function_registry.hpp"
#include "common/logging.hpp"
#include "scheduler/listener_bus.hpp"
#include "scheduler/task_scheduler.hpp"
#include "storage/block_manager_actor.hpp"
#include "storage/block_id.hpp"

#include <caf/all.hpp>

#include <map>

namespace ember {

namespace {

struct executor_data {
  executor_actor backend;
  caf::actor block_manager;
  std::string host;
  int total_cores = 0;
  int free_cores = 0;
};

struct driver_state;

/// Connects the task scheduler to the DAG scheduler and the executors.
class driver_events : public task_scheduler_events {
public:
  explicit driver_events(driver_state& st) : st_(st) {
  }

  void task_started(const task_info& info) override;
  void task_getting_result(const task_info& info) override;
  void task_ended(completion_event ev) override;
  void task_set_failed(stage_id stage, std::int32_t stage_attempt,
                       const std::string& reason) override;
  void kill_task(const executor_id& executor, task_id tid, bool interrupt,
                 const std::string& reason) override;

private:
  driver_state& st_;
};

struct driver_state {
  driver_actor::pointer self = nullptr;
  driver_options opts;
  driver_events events{*this};
  std::unique_ptr<task_scheduler> sched;
  std::map<executor_id, executor_data> executors;
  std::vector<result_getter_actor> getters;
  std::size_t next_getter = 0;
  bool revive_armed = false;
  std::uint64_t registry_fingerprint = local_registry_fingerprint();

  static inline const char* name = "ember.driver";

  task_scheduler::time_point now() const {
    return self->clock().now();
  }

  const result_getter_actor& next_getter_handle() {
    auto& g = getters[next_getter];
    next_getter = (next_getter + 1) % getters.size();
    return g;
  }

  /// One offer round over `only` (or every executor if null).
  void make_offers(const executor_id* only) {
    std::vector<worker_offer> offers;
    if (only != nullptr) {
      auto it = executors.find(*only);
      if (it == executors.end() || it->second.free_cores <= 0)
        return;
      offers.push_back({it->first, it->second.host, it->second.free_cores});
    } else {
      offers.reserve(executors.size());
      for (auto& [id, data] : executors)
        if (data.free_cores > 0)
          offers.push_back({id, data.host, data.free_cores});
    }
    if (offers.empty())
      return;
    auto launches = sched->resource_offers(offers, now());
    auto cpus = opts.cfg.task_cpus;
    for (std::size_t i = 0; i < launches.size(); ++i) {
      if (launches[i].empty())
        continue;
      auto& data = executors[offers[i].executor];
      data.free_cores -= static_cast<int>(launches[i].size()) * cpus;
      self->send(data.backend, launch_task{std::move(launches[i])});
    }
    arm_revive();
  }

  /// Periodic offer rounds while tasks wait (delay scheduling needs time
  /// to pass between rounds).
  void arm_revive() {
    if (revive_armed || !sched->has_pending_tasks())
      return;
    revive_armed = true;
    self->delayed_send(self, opts.cfg.revive_interval, revive_offers{});
  }

  void remove_executor(const executor_id& id, const std::string& reason,
                       bool exit_caused_by_app) {
    auto it = executors.find(id);
    if (it == executors.end())
      return;
    if (exit_caused_by_app)
      logger().warn("exec={} Lost executor on {}: {}", id, it->second.host,
                    reason);
    else
      logger().info("exec={} Removed executor on {}: {}", id,
                    it->second.host, reason);
    self->demonitor(it->second.backend.address());
    executors.erase(it);
    broadcast_peers();
    sched->executor_lost(id, reason, exit_caused_by_app, now());
    self->send(opts.dag, executor_lost_event{id, reason});
    if (opts.bus)
      opts.bus->post(executor_removed{id, reason});
    make_offers(nullptr);
  }

  /// Tells every executor where all BlockManagers are.
  void broadcast_peers() {
    peer_block_managers msg;
    for (auto& [id, data] : executors)
      msg.peers.push_back(peer_entry{id, data.host, data.block_manager});
    for (auto& [id, data] : executors)
      self->send(data.backend, msg);
  }

  void dispatch(status_action action) {
    switch (action.kind) {
      case status_action::none:
        break;
      case status_action::fetch_result: {
        caf::actor bm;
        if (auto it = executors.find(action.executor); it != executors.end())
          bm = it->second.block_manager;
        self->send(next_getter_handle(),
                   fetch_result{action.tid, action.executor,
                                std::move(action.payload),
                                std::move(action.budget), std::move(bm)});
        break;
      }
      case status_action::decode_failure:
        self->send(next_getter_handle(),
                   decode_failure{action.tid, action.state,
                                  std::move(action.payload)});
        break;
    }
  }
};

void driver_events::task_started(const task_info& info) {
  st_.self->send(st_.opts.dag, task_started_event{info});
}

void driver_events::task_getting_result(const task_info& info) {
  st_.self->send(st_.opts.dag, task_getting_result_event{info});
}

void driver_events::task_ended(completion_event ev) {
  st_.self->send(st_.opts.dag, std::move(ev));
}

void driver_events::task_set_failed(stage_id stage,
                                    std::int32_t stage_attempt,
                                    const std::string& reason) {
  st_.self->send(st_.opts.dag,
                 task_set_failed_event{stage, stage_attempt, reason});
}

void driver_events::kill_task(const executor_id& executor, task_id tid,
                              bool interrupt, const std::string& reason) {
  auto it = st_.executors.find(executor);
  if (it == st_.executors.end())
    return;
  st_.self->send(it->second.backend, ember::kill_task{tid, interrupt, reason});
}

driver_actor::behavior_type
driver(driver_actor::stateful_pointer<driver_state> self,
       driver_options opts) {
  auto& st = self->state;
  st.self = self;
  st.opts = std::move(opts);
  st.sched = std::make_unique<task_scheduler>(st.opts.cfg, st.events,
                                              st.opts.seed);
  auto n = std::max(1, st.opts.cfg.result_getter_threads);
  for (int i = 0; i < n; ++i) {
    auto getter = spawn_result_getter(self->system(),
                                      caf::actor_cast<driver_actor>(self));
    self->link_to(getter);
    st.getters.push_back(std::move(getter));
  }
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto& [id, data] : st.executors) {
      if (data.backend.address() == msg.source) {
        auto id_copy = id;
        if (msg.reason == caf::exit_reason::user_shutdown) {
          st.remove_executor(id_copy, "executor stopped", false);
          return;
        }
        st.remove_executor(id_copy,
                           "executor actor down: "
                             + self->system().render(msg.reason),
                           true);
        return;
      }
    }
  });
  return {
    [self](register_executor& msg) -> register_executor_reply {
      auto& st = self->state;
      if (msg.id.empty())
        return {false, "executor id must not be empty"};
      if (msg.cores <= 0)
        return {false, "executor " + msg.id + " offers no cores ("
                         + std::to_string(msg.cores) + ")"};
      if (st.executors.count(msg.id) > 0) {
        logger().error("exec={} Refusing registration: duplicate executor "
                       "id {}",
                       msg.id, msg.id);
        return {false, "Duplicate executor ID: " + msg.id};
      }
      if (msg.version != ember_version) {
        logger().error("exec={} Refusing registration from {}: Ember {} "
                       "differs from the driver's {}",
                       msg.id, msg.host, msg.version, ember_version);
        return {false, "Ember version mismatch: executor " + msg.id
                         + " runs " + msg.version + ", the driver runs "
                         + ember_version};
      }
      if (msg.registry_fingerprint != st.registry_fingerprint) {
        logger().error("exec={} Refusing registration from {}: its function "
                       "registry differs from the driver's",
                       msg.id, msg.host);
        return {false, "Function registry mismatch: executor " + msg.id
                         + " does not run the driver's binary (registered "
                           "functions differ); start executors from the "
                           "same build as the driver"};
      }
      auto backend = caf::actor_cast<executor_actor>(msg.backend);
      if (!backend)
        return {false, "executor " + msg.id + " sent no backend handle"};
      self->monitor(backend);
      st.executors.emplace(msg.id, executor_data{backend,
                                                 std::move(msg.block_manager),
                                                 msg.host, msg.cores,
                                                 msg.cores});
      logger().info("exec={} Registered executor on {} with {} cores",
                    msg.id, msg.host, msg.cores);
      st.sched->executor_added(msg.id, msg.host, st.now());
      st.broadcast_peers();
      self->send(st.opts.dag,
                 executor_added_event{msg.id, msg.host, msg.cores});
      if (st.opts.bus)
        st.opts.bus->post(executor_added{msg.id, msg.host, msg.cores});
      st.make_offers(&msg.id);
      return {true, {}};
    },
    [self](status_update& msg) {
      auto& st = self->state;
      auto it = st.executors.find(msg.executor);
      if (it == st.executors.end()) {
        logger().warn("exec={} tid={} Ignored {} update from unknown "
                      "executor",
                      msg.executor, msg.tid, to_string(msg.state));
        return;
      }
      auto runs_on = st.sched->executor_of(msg.tid);
      if (!runs_on || *runs_on != msg.executor) {
        logger().warn("exec={} tid={} Ignored {} update for a task that is "
                      "not running there",
                      msg.executor, msg.tid, to_string(msg.state));
        return;
      }
      auto action = st.sched->status_update(msg.tid, msg.state,
                                            std::move(msg.payload), st.now());
      auto remove = action.remove_executor;
      st.dispatch(std::move(action));
      if (remove) {
        st.remove_executor(msg.executor,
                           "Task " + std::to_string(msg.tid)
                             + " was lost, so marking the executor as lost "
                               "as well.",
                           true);
        return;
      }
      if (is_finished(msg.state)) {
        it->second.free_cores += st.opts.cfg.task_cpus;
        st.make_offers(&msg.executor);
      }
    },
    [self](revive_offers&) {
      auto& st = self->state;
      st.revive_armed = false;
      st.make_offers(nullptr);
    },
    [self](submit_task_set& msg) {
      auto& st = self->state;
      logger().info("stage={} Adding task set {} with {} tasks",
                    msg.tasks.id(), msg.tasks.id(), msg.tasks.tasks.size());
      st.sched->submit_tasks(std::move(msg.tasks), st.now());
      st.make_offers(nullptr);
    },
    [self](cancel_stage& msg) {
      self->state.sched->cancel_tasks(msg.stage, true, msg.reason);
    },
    [self](remove_shuffle& msg) {
      auto prefix = shuffle_block_prefix(msg.shuffle);
      for (auto& [id, data] : self->state.executors)
        caf::anon_send(caf::actor_cast<block_manager_actor>(
                         data.block_manager),
                       remove_blocks_with_prefix{prefix});
    },
    [self](remove_executor& msg) {
      self->state.remove_executor(msg.id, msg.reason, false);
    },
    [self](result_fetched& msg) {
      auto& st = self->state;
      st.sched->handle_successful_task(msg.tid, std::move(msg.result),
                                       st.now());
    },
    [self](result_getting& msg) {
      auto& st = self->state;
      st.sched->handle_task_getting_result(msg.tid, st.now());
    },
    [self](task_failed& msg) {
      auto& st = self->state;
      st.sched->handle_failed_task(msg.tid, msg.state, std::move(msg.reason),
                                   st.now());
      st.make_offers(nullptr);
    },
    [self](abort_task_set& msg) {
      self->state.sched->abort_task_set_of(msg.tid, msg.message);
    },
  };
}

} // namespace

driver_actor spawn_driver(caf::actor_system& sys, driver_options opts) {
  return sys.spawn(driver, std::move(opts));
}

} // namespace ember
