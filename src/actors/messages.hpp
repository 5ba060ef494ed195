#pragma once
// The messages of Ember's protocol (Spark's CoarseGrainedClusterMessages).
//
//   executor -> driver     register_executor (reply: register_executor_reply)
//   driver   -> executor   launch_task, kill_task, stop_executor
//   executor -> driver     status_update (RUNNING, FINISHED, FAILED, KILLED)
//   anyone   -> driver     revive_offers
//   driver   -> executor   peer_block_managers
//
// Every type here can cross processes: each has `inspect`, and
// `register_message_types` (actors/message_registry.hpp) announces them to
// CAF on every node. Keep this header light: no caf/all.hpp.

#include "common/bytes.hpp"
#include "common/bytes_inspect.hpp"
#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "scheduler/task_description.hpp"

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ember {

/// An executor introduces itself. `backend` is its ExecutorBackend and
/// `block_manager` its BlockManager (both as untyped handles, so that this
/// header needs no interface types).
struct register_executor {
  executor_id id;
  caf::actor backend;
  caf::actor block_manager;
  std::string host;
  std::int32_t cores = 0;
  /// Ember's version and a digest of the executor's registered functions:
  /// the driver refuses an executor whose binary differs from its own.
  std::string version;
  std::uint64_t registry_fingerprint = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_executor& x) {
  return f(caf::meta::type_name("register_executor"), x.id, x.backend,
           x.block_manager, x.host, x.cores, x.version,
           x.registry_fingerprint);
}

/// Ember's version string, sent with register_executor.
inline constexpr const char* ember_version = "0.1.0";

/// The driver's answer to register_executor: `ok`, or why not.
struct register_executor_reply {
  bool ok = false;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        register_executor_reply& x) {
  return f(caf::meta::type_name("register_executor_reply"), x.ok, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_description& x) {
  return f(caf::meta::type_name("task_description"), x.tid, x.attempt,
           x.stage, x.stage_attempt, x.partition, x.index, x.executor, x.cpus,
           x.binary, x.partition_data);
}

/// The tasks of one offer round for one executor, launched together.
struct launch_task {
  std::vector<task_description> tasks;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, launch_task& x) {
  return f(caf::meta::type_name("launch_task"), x.tasks);
}

/// Kill a running (or queued) task attempt; it reports KILLED with `reason`.
struct kill_task {
  task_id tid = -1;
  bool interrupt = true;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kill_task& x) {
  return f(caf::meta::type_name("kill_task"), x.tid, x.interrupt, x.reason);
}

/// A task attempt changed state. The payload of FINISHED is an encoded task
/// result (scheduler/task_result.hpp); of FAILED / KILLED an encoded end
/// reason (scheduler/task_end_reason.hpp); of RUNNING empty.
struct status_update {
  executor_id executor;
  task_id tid = -1;
  task_state state = task_state::running;
  bytes payload;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_update& x) {
  return f(caf::meta::type_name("status_update"), x.executor, x.tid, x.state,
           x.payload);
}

/// Ask the driver for an offer round over every executor.
struct revive_offers {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, revive_offers&) {
  return f(caf::meta::type_name("revive_offers"));
}

/// Where another executor's blocks are served from.
struct peer_entry {
  executor_id id;
  std::string host;
  caf::actor block_manager;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_entry& x) {
  return f(caf::meta::type_name("peer_entry"), x.id, x.host,
           x.block_manager);
}

/// The driver tells every executor the BlockManagers of all executors
/// (sent whenever an executor joins or leaves), so reduce tasks can fetch
/// shuffle blocks from their owners.
struct peer_block_managers {
  std::vector<peer_entry> peers;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        peer_block_managers& x) {
  return f(caf::meta::type_name("peer_block_managers"), x.peers);
}

/// Ask an executor to stop: running tasks are killed, the actor quits.
struct stop_executor {
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stop_executor& x) {
  return f(caf::meta::type_name("stop_executor"), x.reason);
}

} // namespace ember
