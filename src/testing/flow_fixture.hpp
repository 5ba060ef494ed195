#pragma once
// A deterministic Ember for message-flow tests: a driver (with its
// TaskResultGetter pool), the DAG scheduler and N executors (each with a
// BlockManager) in one actor system on CAF's test scheduler. Nothing moves
// unless the test says so:
// - messages are delivered one at a time (step, expect, run_*), and every
//   delivery is recorded in a trace;
// - tasks wait in manual task runners until run_task / run_tasks (or
//   hang_task discards them);
// - the clock (delay scheduling, revive timers) moves only with advance.
//
//   flow_fixture f{config{}, 2};                // 2 executors
//   auto waiter = f.submit(sized_job({100}));
//   f.expect(msg("submit_job").to("dag"));
//   f.run_until(msg("launch_task").tid(0));
//   f.run_until_idle();
//   f.expect_sequence({msg("status_update").tid(0).state("FINISHED")});
//   std::cout << render_mermaid(f.trace());
//
// Roles: "test" (the test's own code), "dag", "driver", "getter" (every
// TaskResultGetter), "executor:<id>", "bm:<id>"; another actor is known by
// its CAF name, or by name_actor. A task runner's report (task_finished)
// is shown as sent by its executor.
//
// Expectations throw flow_expectation_error (expectations.hpp). The fixture
// is single-threaded: use it from the thread that created it. This header
// includes no CAF headers beyond caf/fwd.hpp.

#include "common/bytes.hpp"
#include "common/config.hpp"
#include "common/ids.hpp"
#include "common/task_state.hpp"
#include "testing/fault_plan.hpp"
#include "testing/message_pattern.hpp"
#include "testing/trace.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ember {

class fault_injecting_file_system;
class file_system;
class job_waiter;
class listener_bus;
class local_runtime;
struct job_spec;

} // namespace ember

namespace ember::testing {

struct flow_options {
  config cfg;
  /// Executors "0", "1", ...
  int executors = 1;
  /// Cores per executor (overrides cfg.executor_cores).
  int cores = 2;
  /// Wrapped by the fixture's fault_injecting_file_system (see fs());
  /// default: the real file system.
  std::shared_ptr<file_system> fs;
  /// Seed for shuffling offers.
  std::uint64_t seed = 0x5eed;
  /// Record the startup messages (attach_driver, register_executor, ...);
  /// by default the trace starts empty, at step 0, once executors are
  /// registered.
  bool record_startup = false;
};

class flow_fixture {
public:
  explicit flow_fixture(flow_options opts = {});

  explicit flow_fixture(config cfg, int executors = 1, int cores = 2);

  /// Stops the runtime and delivers its last messages (not recorded).
  ~flow_fixture();

  flow_fixture(const flow_fixture&) = delete;
  flow_fixture& operator=(const flow_fixture&) = delete;

  // -- the system under test --------------------------------------------------

  local_runtime& runtime();
  caf::actor_system& system();
  listener_bus& bus();
  fault_injecting_file_system& fs();

  /// runtime().submit(spec): the submit_job waits in the DAG scheduler's
  /// mailbox.
  std::shared_ptr<job_waiter> submit(job_spec spec);

  void cancel(job_id id, std::string reason = {});

  /// Adds executor `id` with `cores` cores and a manual task runner, as the
  /// runtime's own executors; its registration waits to be delivered, and
  /// `on_registered` gets the driver's answer.
  void add_executor(const executor_id& id, int cores,
                    std::function<void(bool ok, const std::string& error)>
                      on_registered = nullptr);

  /// Delivers queued listener events (the bus is synchronous).
  void drain_events();

  // -- stepping ---------------------------------------------------------------

  /// Delivers the next message (FIFO over actors, as CAF's test scheduler
  /// runs them); nullopt if no message waits. A message a fault rule drops
  /// or holds counts as a step too.
  std::optional<message_event> step();

  /// Delivers messages until none waits (no task runs); returns how many.
  std::size_t run_messages();

  /// Delivers messages to every actor whose role is not (in) `role`.
  std::size_t run_messages_except(const std::string& role);

  /// Delivers messages and runs queued tasks (executors in id order) until
  /// nothing is left, then drains listener events. Timers do not fire.
  void run_until_idle();

  /// Delivers messages (running queued tasks when no message waits) until
  /// one matching `p` was delivered; returns it. Throws
  /// flow_expectation_error if everything is idle first.
  message_event run_until(const message_pattern& p);

  /// Moves the test clock forward, firing due timers and releasing
  /// messages delayed by time, then delivers messages (run_messages).
  void advance(std::chrono::milliseconds d);

  /// The test clock, in milliseconds since the fixture started.
  std::int64_t now_ms() const;

  // -- tasks ------------------------------------------------------------------

  std::size_t queued_tasks(const executor_id& id) const;

  /// Runs the oldest queued task of executor `id` on this thread (its
  /// report waits in the executor's mailbox); false if none.
  bool run_task(const executor_id& id);

  /// Runs queued tasks of `id` until none is left; returns how many.
  std::size_t run_tasks(const executor_id& id);

  /// Discards the oldest queued task of `id` without running it: the task
  /// hangs (never reports). False if none.
  bool hang_task(const executor_id& id);

  // -- expectations -----------------------------------------------------------

  /// The next message to p's receiver (with no receiver: the next message
  /// step() would deliver) must match `p`; delivers it and returns it. With
  /// a role family ("getter", "executor") the first such actor whose next
  /// message matches is chosen.
  message_event expect(const message_pattern& p);

  /// Messages waiting in mailboxes, in delivery order per actor (step 0).
  std::vector<message_event> pending();

  /// No recorded or waiting message matches `p`.
  void expect_none(const message_pattern& p);

  /// `ps` match recorded messages in this order (see expect_sequence in
  /// expectations.hpp); returns the matches.
  std::vector<message_event>
  expect_sequence(const std::vector<message_pattern>& ps) const;

  // -- faults and the test's own messages ------------------------------------

  /// Rules applied to every later delivery.
  fault_plan& faults();

  /// Loses executor `id` now: its ExecutorBackend and BlockManager get an
  /// urgent exit (kill) and handle it at once, and its queued tasks are
  /// dropped; the driver's down handler fires when the down message is
  /// delivered.
  void lose_executor(const executor_id& id);

  /// Removes `block` from executor id's BlockManager now (messages queued
  /// there before are delivered first).
  void remove_block(const executor_id& id, const std::string& block);

  /// Asks executor id's BlockManager whether it holds `block` (messages
  /// queued there before are delivered first; the question itself is not
  /// recorded).
  bool holds_block(const executor_id& id, const std::string& block);

  /// Sends kill_task to executor `id` from the test (not delivered yet).
  void kill_task(const executor_id& id, task_id tid, std::string reason);

  /// Sends a status_update to the driver from the test (not delivered
  /// yet), as if executor `executor` sent it.
  void send_status_update(const executor_id& executor, task_id tid,
                          task_state state, bytes payload);

  /// Shows actor `a` as `role` in the trace.
  void name_actor(const caf::actor& a, std::string role);

  // -- the trace --------------------------------------------------------------

  const message_trace& trace() const;

  /// Deliveries so far (excluding the startup unless recorded).
  std::size_t steps() const;

  /// Empties the trace (the step counter goes on).
  void clear_trace();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace ember::testing
