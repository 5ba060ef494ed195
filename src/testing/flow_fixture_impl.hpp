#pragma once
// Internal to the flow fixture (not installed): its state and the one
// delivery routine every stepping call goes through.
//
// deliver(accept) picks the first scheduler job whose actor `accept`s,
// peeks at its next message, describes it (roles, type, key fields), lets
// the fault plan drop, hold or act on it, and otherwise runs the actor for
// exactly that message. Messages to or from the fixture's probes (and the
// startup, unless recorded) are delivered without being recorded.

#include "testing/flow_fixture.hpp"

#include "actors/task_runner_pool.hpp"
#include "api/local_runtime.hpp"
#include "scheduler/listener_bus.hpp"
#include "storage/testing/fault_injecting_file_system.hpp"
#include "testing/mailbox_tap.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <functional>
#include <map>
#include <set>

namespace ember::testing {

struct flow_fixture::impl {
  using accept_fn = std::function<bool(caf::scheduled_actor*)>;
  using time_point = caf::actor_clock::time_point;

  /// A message a fault rule took out of its mailbox.
  struct held_message {
    caf::strong_actor_ptr receiver;
    caf::mailbox_element_ptr msg;
    bool by_time = false;
    std::size_t release_step = 0;
    time_point release_time;
  };

  caf::actor_system_config sys_cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::shared_ptr<listener_bus> bus = std::make_shared<listener_bus>();
  std::shared_ptr<fault_injecting_file_system> fs;
  std::map<executor_id, std::shared_ptr<manual_task_runner_pool>> pools;
  std::unique_ptr<local_runtime> rt;
  detail::mailbox_tap tap;
  message_trace trace;
  fault_plan faults;
  std::size_t steps = 0;
  bool recording = false;
  time_point start;
  /// Roles by actor id: named ones and every one resolved so far.
  std::map<caf::actor_id, std::string> roles;
  /// Actors whose messages are never recorded (probes).
  std::set<caf::actor_id> quiet;
  std::vector<held_message> held;

  explicit impl(flow_options opts);
  ~impl();

  // -- roles and descriptions -------------------------------------------------

  std::string role_of(caf::actor_id id, caf::abstract_actor* a);
  std::string role_of(const caf::strong_actor_ptr& p);
  std::string role_of(const caf::actor_addr& addr);
  message_event describe(caf::scheduled_actor* a,
                         const caf::mailbox_element& x);
  std::int64_t now_ms() const;

  // -- delivery ---------------------------------------------------------------

  /// Delivers (or drops / holds) the next recorded message for an accepted
  /// actor; unrecorded messages on the way are delivered silently. nullopt
  /// when no accepted actor has a message and (with `release_when_idle`)
  /// no message held by steps can come back.
  std::optional<message_event> deliver(const accept_fn& accept,
                                       bool release_when_idle = true);

  /// Runs the job at the front of the scheduler queue, then notes what it
  /// sent as sent by `origin`.
  void run_front(const std::string& origin);

  /// After each recorded step: held messages whose time came, step faults.
  void after_step();

  /// Puts back held messages (time-held ones only if `by_time`) that are
  /// due; returns how many.
  std::size_t release_held(bool idle);

  bool apply_fault(const fault_rule& rule, caf::scheduled_actor* a,
                   message_event& ev);

  // -- helpers for the test's actions ------------------------------------------

  const executor_handles& handles(const executor_id& id) const;
  void send_urgent_exit(const caf::actor& whom);
  void remove_block(const executor_id& id, const std::string& block);
  void lose_executor(const executor_id& id);
};

} // namespace ember::testing
