#pragma once
// Internal to the flow fixture (not installed): looks into and edits the
// mailboxes of actors on CAF's test coordinator, the way caf/test/dsl.hpp
// peeks with `peek_at_next_mailbox_element`.
//
// It also remembers who sent each anonymous message. CAF keeps no sender
// for `anon_send`, so the fixture calls `scan(origin)` after everything
// that may send (a job of an actor, a task on a runner, the test's own
// code): messages that appeared since the last scan are noted as sent by
// `origin`. Only the test thread touches mailboxes (the test coordinator
// runs every actor there and manual task runners run there too).

#include <caf/mailbox_element.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <map>
#include <string>
#include <vector>

namespace ember::testing::detail {

class mailbox_tap {
public:
  explicit mailbox_tap(caf::scheduler::test_coordinator& sched)
    : sched_(sched) {
  }

  /// The actor behind a scheduler job, or nullptr.
  static caf::scheduled_actor* actor_of(caf::resumable* job) {
    return dynamic_cast<caf::scheduled_actor*>(job);
  }

  /// The message `a` handles next, or nullptr.
  static caf::mailbox_element* head(caf::scheduled_actor* a) {
    return a->peek_at_next_mailbox_element();
  }

  /// Every waiting message of `a` (urgent first, as CAF delivers them).
  static std::vector<caf::mailbox_element*> messages(caf::scheduled_actor* a);

  /// Takes the head of a's mailbox out (nullptr if empty).
  caf::mailbox_element_ptr take_head(caf::scheduled_actor* a);

  /// Takes every waiting message of `a` out, in delivery order.
  std::vector<caf::mailbox_element_ptr> take_all(caf::scheduled_actor* a);

  /// Enqueues `x` at the end of `receiver`'s mailbox again (scheduling the
  /// receiver if it waits), keeping its noted origin.
  void put_back(const caf::strong_actor_ptr& receiver,
                caf::mailbox_element_ptr x);

  /// Notes every message that appeared since the last scan as sent by
  /// `origin`; forgets messages that left the mailboxes.
  void scan(const std::string& origin);

  /// The noted origin of `x`, or "test".
  std::string origin_of(const caf::mailbox_element* x) const;

  /// Whether `x` was already shown to the fault plan; marks it.
  bool check_and_mark(const caf::mailbox_element* x);

  /// Forgets `x` (delivered or destroyed).
  void forget(const caf::mailbox_element* x) {
    entries_.erase(x);
  }

private:
  struct entry {
    std::string origin;
    bool consulted = false;
    /// Out of every mailbox but kept (a held message).
    bool pinned = false;
  };

  caf::scheduler::test_coordinator& sched_;
  std::map<const caf::mailbox_element*, entry> entries_;
};

} // namespace ember::testing::detail
