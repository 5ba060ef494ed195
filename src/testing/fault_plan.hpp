#pragma once
// Faults a flow fixture injects while it delivers messages:
//
//   f.faults()
//     .drop(msg("status_update").tid(0).state("FINISHED"))
//     .delay(msg("result_fetched"), 3)            // 3 deliveries later
//     .remove_block_before(msg("get_block"))      // TaskResultLost
//     .lose_executor_at_step("1", 12);            // connection loss
//
// A rule is triggered by the `nth` message matching its pattern (counted
// when the fixture is about to deliver it, so held messages count when they
// first come up), or by a step. Each rule fires once. Rules are checked in
// the order they were added; at most one fires per message, but every rule
// counts every message it matches (a rule whose turn came while another
// fired fires on its next match).
//
// Task faults need no rule: run, hang (discard) or fail tasks through the
// fixture and the built-in task functions (test_jobs.hpp); disk faults go
// through the fixture's fault_injecting_file_system.
//
// Plain C++: no CAF. The fixture carries the faults out.

#include "common/ids.hpp"
#include "testing/message_pattern.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ember::testing {

enum class fault_kind {
  /// The message is removed and never delivered.
  drop,
  /// The message is taken out of the mailbox and put back (at the end of
  /// the receiver's mailbox) after `steps` further deliveries, or as soon as
  /// no other message is waiting.
  delay_steps,
  /// As delay_steps, but put back once the test clock has advanced by
  /// `delay` (see flow_fixture::advance).
  delay_time,
  /// Before the message (a get_block) is delivered, the block it asks for
  /// is removed from the receiving BlockManager.
  remove_block,
  /// Executor `executor` is lost before the message is delivered (or at
  /// step `at_step`): its actors are killed and its queued tasks dropped.
  lose_executor,
};

struct fault_rule {
  fault_kind kind = fault_kind::drop;
  message_pattern trigger;
  /// Fires on the nth match of `trigger` (1: the first).
  int nth = 1;
  /// delay_steps: further deliveries before the message comes back.
  std::size_t steps = 0;
  /// delay_time: clock advance before the message comes back.
  std::chrono::milliseconds delay{0};
  /// lose_executor: which one.
  executor_id executor;
  /// lose_executor: fire once this many deliveries happened (0: use
  /// `trigger`).
  std::size_t at_step = 0;

  // -- progress ---------------------------------------------------------------

  int seen = 0;
  bool fired = false;

  /// E.g. "drop the 1st status_update with tid=0 state=FINISHED".
  std::string to_string() const;
};

class fault_plan {
public:
  fault_plan& drop(message_pattern p, int nth = 1);

  fault_plan& delay(message_pattern p, std::size_t steps, int nth = 1);

  fault_plan& delay_for(message_pattern p, std::chrono::milliseconds d,
                        int nth = 1);

  /// `p` should match get_block messages (their "block" field names the
  /// block; the receiver is the BlockManager).
  fault_plan& remove_block_before(message_pattern p, int nth = 1);

  fault_plan& lose_executor_before(executor_id id, message_pattern p,
                                   int nth = 1);

  /// Fires after the `step`th delivery (step >= 1).
  fault_plan& lose_executor_at_step(executor_id id, std::size_t step);

  // -- used by the fixture ----------------------------------------------------

  /// Counts `ev` (about to be delivered) for every message rule and
  /// returns the first rule that fires for it, or nullptr.
  const fault_rule* on_message(const message_event& ev);

  /// The step rules that fire once `steps` deliveries have happened.
  std::vector<const fault_rule*> on_step(std::size_t steps);

  const std::vector<fault_rule>& rules() const noexcept {
    return rules_;
  }

  /// Rules that have not fired yet.
  std::size_t pending() const noexcept;

  void clear() noexcept {
    rules_.clear();
  }

private:
  fault_plan& add(fault_rule rule);

  std::vector<fault_rule> rules_;
};

} // namespace ember::testing
