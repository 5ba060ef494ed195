// The flow fixture's delivery loop and the faults it carries out (see
// flow_fixture_impl.hpp).

#include "testing/flow_fixture_impl.hpp"

#include "common/logging.hpp"
#include "storage/block_manager_actor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <stdexcept>

namespace ember::testing {

using detail::mailbox_tap;

std::optional<message_event>
flow_fixture::impl::deliver(const accept_fn& accept,
                            bool release_when_idle) {
  tap.scan("test");
  for (;;) {
    auto& jobs = sched.jobs;
    auto it = std::find_if(jobs.begin(), jobs.end(), [&](caf::resumable* j) {
      auto* a = mailbox_tap::actor_of(j);
      return a == nullptr || accept(a);
    });
    if (it == jobs.end()) {
      // Messages delayed by steps come back when nothing else can happen.
      if (release_when_idle && release_held(true) > 0)
        continue;
      return std::nullopt;
    }
    std::rotate(jobs.begin(), it, it + 1);
    auto* a = mailbox_tap::actor_of(jobs.front());
    auto* x = a != nullptr ? mailbox_tap::head(a) : nullptr;
    auto role = a != nullptr ? role_of(a->id(), a) : std::string{"test"};
    if (x == nullptr) {
      // Initialisation, or nothing left: no message to record.
      run_front(role);
      continue;
    }
    bool visible = recording && quiet.count(a->id()) == 0
                   && !(x->sender && quiet.count(x->sender->id()) > 0);
    if (!visible) {
      tap.forget(x);
      run_front(role);
      continue;
    }
    auto ev = describe(a, *x);
    if (!tap.check_and_mark(x)) {
      if (auto* rule = faults.on_message(ev)) {
        if (apply_fault(*rule, a, ev))
          return ev;
        continue; // the fault acted around the message: look again
      }
    }
    ev.step = ++steps;
    trace.add(ev);
    tap.forget(x);
    run_front(role);
    after_step();
    return ev;
  }
}

void flow_fixture::impl::run_front(const std::string& origin) {
  sched.run_once();
  tap.scan(origin);
}

void flow_fixture::impl::after_step() {
  release_held(false);
  for (auto* rule : faults.on_step(steps))
    lose_executor(rule->executor);
}

std::size_t flow_fixture::impl::release_held(bool idle) {
  std::size_t n = 0;
  auto now = sched.clock().now();
  for (auto it = held.begin(); it != held.end();) {
    bool due = it->by_time ? it->release_time <= now
                           : idle || steps >= it->release_step;
    if (due) {
      tap.put_back(it->receiver, std::move(it->msg));
      it = held.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

bool flow_fixture::impl::apply_fault(const fault_rule& rule,
                                     caf::scheduled_actor* a,
                                     message_event& ev) {
  logger().debug("flow fixture: {} ({})", rule.to_string(), ev.to_string());
  switch (rule.kind) {
    case fault_kind::drop: {
      auto m = tap.take_head(a);
      tap.forget(m.get());
      m.reset();
      ev.what = delivery::dropped;
      ev.step = ++steps;
      trace.add(ev);
      after_step();
      return true;
    }
    case fault_kind::delay_steps:
    case fault_kind::delay_time: {
      held_message h;
      h.receiver = caf::strong_actor_ptr{a->ctrl()};
      h.msg = tap.take_head(a);
      h.by_time = rule.kind == fault_kind::delay_time;
      ev.what = delivery::held;
      ev.step = ++steps;
      h.release_step = steps + rule.steps;
      h.release_time = sched.clock().now() + rule.delay;
      trace.add(ev);
      held.push_back(std::move(h));
      after_step();
      return true;
    }
    case fault_kind::remove_block: {
      auto* block = ev.field("block");
      if (block == nullptr)
        return false; // not a block request: deliver it as it is
      // The removal goes first; every waiting message keeps its order.
      caf::strong_actor_ptr bm{a->ctrl()};
      auto waiting = tap.take_all(a);
      caf::anon_send(caf::actor_cast<caf::actor>(bm),
                     ember::remove_block{*block});
      tap.scan("test");
      for (auto& m : waiting)
        tap.put_back(bm, std::move(m));
      return false;
    }
    case fault_kind::lose_executor:
      lose_executor(rule.executor);
      return false;
  }
  return false;
}

const executor_handles&
flow_fixture::impl::handles(const executor_id& id) const {
  for (auto& h : rt->executors())
    if (h.id == id)
      return h;
  throw std::invalid_argument{"flow_fixture: no executor " + id};
}

void flow_fixture::impl::send_urgent_exit(const caf::actor& whom) {
  if (!whom)
    return;
  whom->enqueue(nullptr, caf::make_message_id(caf::message_priority::high),
                caf::make_message(
                  caf::exit_msg{whom.address(), caf::exit_reason::kill}),
                nullptr);
}

void flow_fixture::impl::lose_executor(const executor_id& id) {
  auto& h = handles(id);
  auto backend = caf::actor_cast<caf::actor>(h.backend);
  send_urgent_exit(backend);
  send_urgent_exit(h.block_manager);
  tap.scan("test");
  // The exits are urgent: each is the next message its actor handles.
  for (auto target : {backend.id(), h.block_manager.id()})
    deliver([target](caf::scheduled_actor* a) { return a->id() == target; },
            false);
  h.pool->shutdown();
}

void flow_fixture::impl::remove_block(const executor_id& id,
                                      const std::string& block) {
  auto& h = handles(id);
  caf::anon_send(h.block_manager, ember::remove_block{block});
  tap.scan("test");
  auto target = h.block_manager.id();
  while (deliver(
    [target](caf::scheduled_actor* a) { return a->id() == target; }, false))
    ; // every message up to and including the removal
}

bool flow_fixture::holds_block(const executor_id& id,
                               const std::string& block) {
  auto& m = *impl_;
  auto& h = m.handles(id);
  auto bm = caf::actor_cast<block_manager_actor>(h.block_manager);
  bool done = false;
  bool found = false;
  auto probe = m.sys.spawn([bm, block, &done,
                            &found](caf::event_based_actor* self) {
    self->request(bm, caf::infinite, contains_block{block})
      .then([&done, &found](bool x) {
        found = x;
        done = true;
      });
  });
  m.quiet.insert(probe.id());
  auto bm_id = h.block_manager.id();
  auto probe_id = probe.id();
  while (!done && m.deliver(
           [=](caf::scheduled_actor* a) {
             return a->id() == bm_id || a->id() == probe_id;
           },
           false))
    ; // the BlockManager's earlier messages are recorded as usual
  return found;
}

} // namespace ember::testing
