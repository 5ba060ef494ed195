#include "actors/executor_backend.hpp"

#include "api/function_registry.hpp"
#include "api/task_registry.hpp"
#include "common/logging.hpp"
#include "storage/block_manager_actor.hpp"

#include <caf/all.hpp>

#include <deque>
#include <map>
#include <unordered_map>

namespace ember {

namespace {

/// A reduce task waiting for its shuffle blocks.
struct pending_fetch {
  task_description task;
  std::shared_ptr<task_kill_switch> kill_switch;
  std::shared_ptr<const stage_binary> stage;
  std::vector<block_request> requests;
  std::vector<bytes> results;
  std::size_t next = 0;
  std::size_t in_flight = 0;
  std::int64_t bytes_in_flight = 0;
  std::size_t done = 0;
  bool failed = false;
  /// Incremental reading: blocks [consumed, batch_end) form the batch being
  /// fetched or consumed; `states` holds what was consumed so far.
  bool incremental = false;
  std::size_t consumed = 0;
  std::size_t batch_end = 0;
  bool consuming = false;
  std::shared_ptr<stage_task_inputs> inputs;
};

struct executor_state {
  executor_options opts;
  task_runner_settings settings;
  std::unordered_map<task_id, std::shared_ptr<task_kill_switch>> running;
  std::map<executor_id, peer_entry> peers;
  /// Decoded stage binaries by (stage, attempt), most recent last.
  std::deque<std::pair<std::pair<stage_id, std::int32_t>,
                       std::shared_ptr<const stage_binary>>>
    stages;
  std::unordered_map<task_id, std::shared_ptr<pending_fetch>> fetches;
  bool stopping = false;

  static inline const char* name = "ember.executor";
};

using executor_pointer = executor_actor::stateful_pointer<executor_state>;

constexpr std::size_t stage_cache_size = 32;

void report(executor_pointer self, task_id tid, task_state state,
            bytes payload) {
  self->send(self->state.opts.driver,
             status_update{self->state.opts.id, tid, state,
                           std::move(payload)});
}

void report_failure(executor_pointer self, task_id tid,
                    const task_end_reason& reason) {
  report(self, tid, task_state::failed, bytes{encode_end_reason(reason)});
}

/// The decoded stage binary of `task` (cached per stage attempt).
std::shared_ptr<const stage_binary> stage_of(executor_pointer self,
                                             const task_description& task) {
  auto& st = self->state;
  auto key = std::make_pair(task.stage, task.stage_attempt);
  for (auto& [k, v] : st.stages)
    if (k == key)
      return v;
  auto decoded = std::make_shared<const stage_binary>(
    decode_stage_binary(task.binary.view()));
  st.stages.emplace_back(key, decoded);
  if (st.stages.size() > stage_cache_size)
    st.stages.pop_front();
  return decoded;
}

void start_task(executor_pointer self, task_description task,
                std::shared_ptr<task_kill_switch> ks,
                std::shared_ptr<stage_task_inputs> inputs) {
  auto& st = self->state;
  st.opts.pool->submit([handle = caf::actor_cast<executor_actor>(self),
                        ks = std::move(ks), settings = st.settings,
                        registry = st.opts.registry, task = std::move(task),
                        inputs = std::move(inputs)] {
    auto out = run_task(task, ks, settings, *registry, inputs.get());
    caf::anon_send(handle, task_finished{std::move(out)});
  });
}

void continue_fetch(executor_pointer self, std::shared_ptr<pending_fetch> f);

void fetch_failed(executor_pointer self, pending_fetch& f,
                  const block_request& r, const std::string& why) {
  if (f.failed)
    return;
  f.failed = true;
  auto& st = self->state;
  logger().warn("exec={} stage={}.{} tid={} Fetch of {} from executor {} "
                "failed: {}",
                st.opts.id, f.task.stage, f.task.stage_attempt, f.task.tid,
                r.block_id, r.executor, why);
  st.running.erase(f.task.tid);
  st.fetches.erase(f.task.tid);
  report_failure(self, f.task.tid,
                 fetch_failed_reason{r.executor, r.host, r.shuffle, r.map_id,
                                     r.map_index, r.reduce, why});
}

/// Sends the request for block `i` of `f`.
void request_block(executor_pointer self, std::shared_ptr<pending_fetch> f,
                   std::size_t i) {
  auto& st = self->state;
  auto& r = f->requests[i];
  auto peer = st.peers.find(r.executor);
  if (peer == st.peers.end() || !peer->second.block_manager) {
    fetch_failed(self, *f, r, "executor " + r.executor + " is unknown or lost");
    return;
  }
  ++f->in_flight;
  f->bytes_in_flight += r.size;
  auto bm = caf::actor_cast<block_manager_actor>(peer->second.block_manager);
  self->request(bm, caf::infinite, get_block{r.block_id})
    .then(
      [self, f, i](get_block_result& res) {
        auto& r = f->requests[i];
        --f->in_flight;
        f->bytes_in_flight -= r.size;
        if (!res.found) {
          fetch_failed(self, *f, r,
                       res.error.empty() ? "block " + r.block_id
                                             + " not found"
                                         : res.error);
          return;
        }
        f->results[i] = std::move(res.data);
        ++f->done;
        continue_fetch(self, f);
      },
      [self, f, i](caf::error& err) {
        --f->in_flight;
        fetch_failed(self, *f, f->requests[i], self->system().render(err));
      });
}

/// Incremental reading: hands the fetched batch to a runner thread, which
/// folds it into the reader states and reports shuffle_batch_consumed.
void consume_batch(executor_pointer self, std::shared_ptr<pending_fetch> f) {
  auto& st = self->state;
  f->consuming = true;
  std::vector<std::pair<block_request, bytes>> batch;
  for (auto i = f->consumed; i < f->batch_end; ++i)
    batch.emplace_back(f->requests[i], std::move(f->results[i]));
  st.opts.pool->submit([handle = caf::actor_cast<executor_actor>(self), f,
                        batch = std::move(batch),
                        exec = st.opts.id]() mutable {
    shuffle_batch_consumed done{f->task.tid, {}};
    try {
      task_context ctx{f->task.tid,       f->task.attempt, f->task.stage,
                       f->task.stage_attempt, f->task.partition, exec,
                       f->kill_switch};
      for (auto& [r, block] : batch) {
        consume_block(ctx, *f->stage, r.shuffle, r.reduce, block,
                      function_registry::global(), f->inputs->states);
        block = bytes{}; // release each block once it is folded in
      }
    } catch (const std::exception& e) {
      done.error = e.what();
    }
    caf::anon_send(handle, std::move(done));
  });
}

void continue_fetch(executor_pointer self, std::shared_ptr<pending_fetch> f) {
  auto& st = self->state;
  if (f->failed)
    return;
  if (f->kill_switch->killed()) {
    st.fetches.erase(f->task.tid);
    st.running.erase(f->task.tid);
    report(self, f->task.tid, task_state::killed,
           killed_outcome(f->task.tid, f->kill_switch->reason()).payload);
    return;
  }
  auto max_bytes = st.opts.cfg.max_bytes_in_flight;
  auto max_reqs = static_cast<std::size_t>(st.opts.cfg.max_reqs_in_flight);
  if (f->incremental) {
    if (f->consuming || f->in_flight > 0)
      return;
    if (f->consumed == f->requests.size()) {
      st.fetches.erase(f->task.tid);
      start_task(self, std::move(f->task), f->kill_switch, f->inputs);
      return;
    }
    if (f->done == f->batch_end && f->batch_end > f->consumed) {
      consume_batch(self, f);
      return;
    }
    // The next batch: at most max_bytes and max_reqs (at least one block).
    std::int64_t bytes = 0;
    auto end = f->consumed;
    while (end < f->requests.size() && end - f->consumed < max_reqs
           && (end == f->consumed
               || bytes + f->requests[end].size <= max_bytes)) {
      bytes += f->requests[end].size;
      ++end;
    }
    f->batch_end = end;
    f->next = end;
    for (auto i = f->consumed; i < end && !f->failed; ++i)
      request_block(self, f, i);
    return;
  }
  if (f->done == f->requests.size()) {
    f->inputs->stage = f->stage;
    for (std::size_t i = 0; i < f->requests.size(); ++i) {
      auto& r = f->requests[i];
      f->inputs->blocks[{r.shuffle, r.reduce}].push_back(
        std::move(f->results[i]));
    }
    st.fetches.erase(f->task.tid);
    start_task(self, std::move(f->task), f->kill_switch, f->inputs);
    return;
  }
  while (f->next < f->requests.size() && !f->failed
         && (f->in_flight == 0
             || (f->in_flight < max_reqs && f->bytes_in_flight < max_bytes)))
    request_block(self, f, f->next++);
}

/// Runs `task` now, or first fetches the shuffle blocks it reads.
void launch(executor_pointer self, task_description task,
            std::shared_ptr<task_kill_switch> ks) {
  auto& st = self->state;
  if (!is_stage_binary(task.binary.view())) {
    start_task(self, std::move(task), std::move(ks), nullptr);
    return;
  }
  std::shared_ptr<const stage_binary> stage;
  std::vector<block_request> requests;
  try {
    stage = stage_of(self, task);
    requests = blocks_to_fetch(*stage, task.partition);
  } catch (const std::exception& e) {
    st.running.erase(task.tid);
    report_failure(self, task.tid,
                   exception_failure_reason{"ember::decode_error", e.what(),
                                            {}});
    return;
  }
  if (requests.empty()) {
    auto inputs = std::make_shared<stage_task_inputs>();
    inputs->stage = std::move(stage);
    start_task(self, std::move(task), std::move(ks), std::move(inputs));
    return;
  }
  auto f = std::make_shared<pending_fetch>();
  f->task = std::move(task);
  f->kill_switch = std::move(ks);
  f->stage = std::move(stage);
  f->requests = std::move(requests);
  f->results.resize(f->requests.size());
  f->inputs = std::make_shared<stage_task_inputs>();
  f->inputs->stage = f->stage;
  f->incremental = reads_incrementally(*f->stage,
                                       function_registry::global());
  st.fetches.emplace(f->task.tid, f);
  continue_fetch(self, f);
}

/// Stores the outcome's blocks one after the other, then reports.
void store_and_report(executor_pointer self, std::shared_ptr<task_outcome> out,
                      std::size_t i) {
  auto& st = self->state;
  if (i == out->blocks.size()) {
    report(self, out->tid, out->state, std::move(out->payload));
    return;
  }
  auto tid = out->tid;
  auto block_id = out->blocks[i].id;
  auto fail = [self, tid, block_id](const std::string& why) {
    auto& st = self->state;
    logger().error("exec={} tid={} Failed to store block {}: {}", st.opts.id,
                   tid, block_id, why);
    report(self, tid, task_state::failed,
           failed_outcome(tid, "ember::block_store_error",
                          "Failed to store block " + block_id + " of TID "
                            + std::to_string(tid)
                            + " in the BlockManager: " + why)
             .payload);
  };
  auto bm = caf::actor_cast<block_manager_actor>(st.opts.block_manager);
  if (!bm) {
    fail("this executor has no BlockManager");
    return;
  }
  self
    ->request(bm, caf::infinite,
              put_block{block_id, std::move(out->blocks[i].data),
                        storage_level::memory_and_disk_ser})
    .then(
      [self, out, i, fail](put_block_result& r) {
        if (r.ok)
          store_and_report(self, out, i + 1);
        else
          fail(r.error);
      },
      [self, fail](caf::error& err) { fail(self->system().render(err)); });
}

executor_actor::behavior_type executor(executor_pointer self,
                                       executor_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  if (st.opts.registry == nullptr)
    st.opts.registry = &task_registry::global();
  st.settings.executor = st.opts.id;
  st.settings.host = st.opts.host;
  st.settings.max_result_size = st.opts.cfg.max_result_size;
  st.settings.direct_limit = st.opts.cfg.direct_result_limit();
  st.peers[st.opts.id]
    = peer_entry{st.opts.id, st.opts.host, st.opts.block_manager};
  self->request(st.opts.driver, caf::infinite,
                register_executor{st.opts.id,
                                  caf::actor_cast<caf::actor>(self),
                                  st.opts.block_manager, st.opts.host,
                                  st.opts.cores, ember_version,
                                  st.opts.registry_fingerprint != 0
                                    ? st.opts.registry_fingerprint
                                    : local_registry_fingerprint()})
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
        launch(self, std::move(task), it->second);
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
    [self](peer_block_managers& msg) {
      auto& st = self->state;
      st.peers.clear();
      for (auto& p : msg.peers)
        st.peers[p.id] = std::move(p);
      st.peers[st.opts.id]
        = peer_entry{st.opts.id, st.opts.host, st.opts.block_manager};
    },
    [self](shuffle_batch_consumed& msg) {
      auto& st = self->state;
      auto it = st.fetches.find(msg.tid);
      if (it == st.fetches.end())
        return;
      auto f = it->second;
      f->consuming = false;
      if (!msg.error.empty()) {
        st.fetches.erase(it);
        st.running.erase(msg.tid);
        report_failure(self, msg.tid,
                       exception_failure_reason{"ember::shuffle_read_error",
                                                msg.error, {}});
        return;
      }
      f->consumed = f->batch_end;
      continue_fetch(self, f);
    },
    [self](task_finished& msg) {
      auto& st = self->state;
      st.running.erase(msg.outcome.tid);
      auto out = std::make_shared<task_outcome>(std::move(msg.outcome));
      if (out->state != task_state::finished)
        out->blocks.clear();
      store_and_report(self, std::move(out), 0);
    },
  };
}

} // namespace

executor_actor spawn_executor(caf::actor_system& sys, executor_options opts) {
  return sys.spawn(executor, std::move(opts));
}

} // namespace ember
