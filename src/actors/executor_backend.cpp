#include "actors/executor_backend.hpp"

#include "api/task_registry.hpp"
#include "common/logging.hpp"
#include "storage/block_manager_actor.hpp"

#include <caf/all.hpp>

#include <unordered_map>

namespace ember {

namespace {

struct executor_state {
  executor_options opts;
  task_runner_settings settings;
  std::unordered_map<task_id, std::shared_ptr<task_kill_switch>> running;
  bool stopping = false;

  static inline const char* name = "ember.executor";
};

using executor_pointer = executor_actor::stateful_pointer<executor_state>;

void report(executor_pointer self, task_id tid, task_state state,
            bytes payload) {
  self->send(self->state.opts.driver,
             status_update{self->state.opts.id, tid, state,
                           std::move(payload)});
}

executor_actor::behavior_type executor(executor_pointer self,
                                       executor_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  if (st.opts.registry == nullptr)
    st.opts.registry = &task_registry::global();
  st.settings.executor = st.opts.id;
  st.settings.max_result_size = st.opts.cfg.max_result_size;
  st.settings.direct_limit = st.opts.cfg.direct_result_limit();
  self->request(st.opts.driver, caf::infinite,
                register_executor{st.opts.id,
                                  caf::actor_cast<caf::actor>(self),
                                  st.opts.block_manager, st.opts.host,
                                  st.opts.cores})
    .then(
      [self](register_executor_reply& reply) {
        auto& st = self->state;
        if (reply.ok)
          logger().info("exec={} Registered with the driver", st.opts.id);
        else
          logger().error("exec={} Registration refused: {}", st.opts.id,
                         reply.error);
        if (st.opts.on_registered)
          st.opts.on_registered(reply.ok, reply.error);
        if (!reply.ok)
          self->quit(caf::exit_reason::user_shutdown);
      },
      [self](caf::error& err) {
        auto& st = self->state;
        auto text = self->system().render(err);
        logger().error("exec={} Cannot register with the driver: {}",
                       st.opts.id, text);
        if (st.opts.on_registered)
          st.opts.on_registered(false, text);
        self->quit(err);
      });
  return {
    [self](launch_task& msg) {
      auto& st = self->state;
      for (auto& task : msg.tasks) {
        if (st.stopping) {
          report(self, task.tid, task_state::killed,
                 killed_outcome(task.tid, "executor is stopping").payload);
          continue;
        }
        auto [it, added] = st.running.emplace(
          task.tid, std::make_shared<task_kill_switch>());
        if (!added) {
          logger().warn("exec={} stage={}.{} tid={} Ignored duplicate "
                        "launch",
                        st.opts.id, task.stage, task.stage_attempt, task.tid);
          continue;
        }
        logger().debug("exec={} stage={}.{} tid={} Running {}", st.opts.id,
                       task.stage, task.stage_attempt, task.tid, task.name());
        report(self, task.tid, task_state::running, bytes{});
        st.opts.pool->submit(
          [handle = caf::actor_cast<executor_actor>(self),
           ks = it->second, settings = st.settings,
           registry = st.opts.registry, task = std::move(task)] {
            auto out = run_task(task, ks, settings, *registry);
            caf::anon_send(handle, task_finished{std::move(out)});
          });
      }
    },
    [self](kill_task& msg) {
      auto& st = self->state;
      auto it = st.running.find(msg.tid);
      if (it == st.running.end()) {
        logger().debug("exec={} tid={} Kill request for a task that is not "
                       "running",
                       st.opts.id, msg.tid);
        return;
      }
      logger().info("exec={} tid={} Killing task: {}", st.opts.id, msg.tid,
                    msg.reason);
      it->second->kill(msg.reason);
    },
    [self](stop_executor& msg) {
      auto& st = self->state;
      logger().info("exec={} Stopping: {}", st.opts.id, msg.reason);
      st.stopping = true;
      for (auto& [tid, ks] : st.running)
        ks->kill(msg.reason.empty() ? "executor stopped" : msg.reason);
      self->quit(caf::exit_reason::user_shutdown);
    },
    [self](task_finished& msg) {
      auto& st = self->state;
      auto& out = msg.outcome;
      st.running.erase(out.tid);
      if (out.block_id.empty()) {
        report(self, out.tid, out.state, std::move(out.payload));
        return;
      }
      auto bm = caf::actor_cast<block_manager_actor>(st.opts.block_manager);
      auto tid = out.tid;
      auto block_id = out.block_id;
      auto payload = std::move(out.payload);
      auto fail = [self, tid, block_id](const std::string& why) {
        auto& st = self->state;
        logger().error("exec={} tid={} Failed to store result block {}: {}",
                       st.opts.id, tid, block_id, why);
        report(self, tid, task_state::failed,
               failed_outcome(tid, "ember::block_store_error",
                              "Failed to store the result of TID "
                                + std::to_string(tid)
                                + " in the BlockManager: " + why)
                 .payload);
      };
      if (!bm) {
        fail("this executor has no BlockManager");
        return;
      }
      self
        ->request(bm, caf::infinite,
                  put_block{block_id, std::move(out.block),
                            storage_level::memory_and_disk_ser})
        .then(
          [self, tid, payload, fail](put_block_result& r) mutable {
            if (r.ok)
              report(self, tid, task_state::finished, std::move(payload));
            else
              fail(r.error);
          },
          [self, fail](caf::error& err) {
            fail(self->system().render(err));
          });
    },
  };
}

} // namespace

executor_actor spawn_executor(caf::actor_system& sys, executor_options opts) {
  return sys.spawn(executor, std::move(opts));
}

} // namespace ember
