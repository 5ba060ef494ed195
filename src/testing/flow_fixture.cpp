// The flow fixture: construction, roles, and the public stepping and
// expectation calls (the delivery loop is in flow_delivery.cpp).

#include "testing/flow_fixture_impl.hpp"

#include "common/logging.hpp"
#include "testing/expectations.hpp"
#include "testing/message_catalog.hpp"

#include <caf/all.hpp>

#include <stdexcept>

namespace ember::testing {

using detail::mailbox_tap;

namespace {

caf::actor_system_config& test_system_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  return cfg;
}

bool any_actor(caf::scheduled_actor*) {
  return true;
}

} // namespace

// -- impl: construction and roles ---------------------------------------------

flow_fixture::impl::impl(flow_options opts)
  : sys(test_system_config(sys_cfg)),
    sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
    tap(sched) {
  start = sched.clock().now();
  fs = std::make_shared<fault_injecting_file_system>(opts.fs);
  recording = opts.record_startup;
  runtime_options ro;
  ro.cfg = opts.cfg;
  ro.cfg.executor_cores = opts.cores;
  ro.executors = opts.executors;
  ro.bus = bus;
  ro.fs = fs;
  ro.seed = opts.seed;
  ro.make_pool = [this](const executor_id& id, int) {
    auto pool = std::make_shared<manual_task_runner_pool>();
    pools[id] = pool;
    return pool;
  };
  rt = std::make_unique<local_runtime>(sys, std::move(ro));
  while (deliver(any_actor))
    ; // startup: attach the driver, register the executors
  recording = true;
}

flow_fixture::impl::~impl() {
  recording = false;
  faults.clear();
  held.clear();
  rt->stop();
  while (deliver(any_actor))
    ;
  bus->drain();
  rt.reset();
}

std::string flow_fixture::impl::role_of(caf::actor_id id,
                                        caf::abstract_actor* a) {
  if (auto it = roles.find(id); it != roles.end())
    return it->second;
  std::string role;
  if (rt) {
    if (rt->driver().id() == id)
      role = "driver";
    else if (rt->dag().id() == id)
      role = "dag";
    for (auto& h : rt->executors()) {
      if (h.backend.id() == id)
        role = "executor:" + h.id;
      else if (h.block_manager.id() == id)
        role = "bm:" + h.id;
    }
  }
  if (role.empty() && a != nullptr) {
    std::string name;
    if (auto* la = dynamic_cast<caf::local_actor*>(a))
      name = la->name();
    if (name == "ember.result_getter")
      role = "getter";
    else if (name.empty() || name.rfind("user.", 0) == 0)
      role = "test";
    else
      role = name;
  }
  if (role.empty())
    return "test"; // unknown and gone: do not remember
  roles.emplace(id, role);
  return role;
}

std::string flow_fixture::impl::role_of(const caf::strong_actor_ptr& p) {
  return p ? role_of(p->id(), p->get()) : std::string{"test"};
}

std::string flow_fixture::impl::role_of(const caf::actor_addr& addr) {
  if (auto p = caf::actor_cast<caf::strong_actor_ptr>(addr))
    return role_of(p);
  return addr ? role_of(addr.id(), nullptr) : std::string{"none"};
}

message_event flow_fixture::impl::describe(caf::scheduled_actor* a,
                                           const caf::mailbox_element& x) {
  message_event ev;
  ev.time_ms = now_ms();
  ev.to = role_of(a->id(), a);
  ev.from = x.sender ? role_of(x.sender) : tap.origin_of(&x);
  auto d = describe_message(x.content(), [this](const caf::actor_addr& addr) {
    return role_of(addr);
  });
  ev.type = std::move(d.type);
  ev.fields = std::move(d.fields);
  // A task runner reports to its own executor (anonymously).
  if (ev.type == "task_finished" && !x.sender)
    ev.from = ev.to;
  return ev;
}

std::int64_t flow_fixture::impl::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           sched.clock().now() - start)
    .count();
}

// -- the system under test ------------------------------------------------------

flow_fixture::flow_fixture(flow_options opts)
  : impl_(std::make_unique<impl>(std::move(opts))) {
}

flow_fixture::flow_fixture(config cfg, int executors, int cores) {
  flow_options opts;
  opts.cfg = std::move(cfg);
  opts.executors = executors;
  opts.cores = cores;
  impl_ = std::make_unique<impl>(std::move(opts));
}

flow_fixture::~flow_fixture() = default;

local_runtime& flow_fixture::runtime() {
  return *impl_->rt;
}

caf::actor_system& flow_fixture::system() {
  return impl_->sys;
}

listener_bus& flow_fixture::bus() {
  return *impl_->bus;
}

fault_injecting_file_system& flow_fixture::fs() {
  return *impl_->fs;
}

std::shared_ptr<job_waiter> flow_fixture::submit(job_spec spec) {
  return impl_->rt->submit(std::move(spec));
}

void flow_fixture::cancel(job_id id, std::string reason) {
  impl_->rt->cancel(id, std::move(reason));
}

void flow_fixture::add_executor(
  const executor_id& id, int cores,
  std::function<void(bool, const std::string&)> on_registered) {
  impl_->rt->add_executor(id, cores, std::move(on_registered));
}

void flow_fixture::drain_events() {
  impl_->bus->drain();
}

// -- stepping -------------------------------------------------------------------

std::optional<message_event> flow_fixture::step() {
  return impl_->deliver(any_actor);
}

std::size_t flow_fixture::run_messages() {
  std::size_t n = 0;
  while (impl_->deliver(any_actor))
    ++n;
  return n;
}

std::size_t flow_fixture::run_messages_except(const std::string& role) {
  auto& m = *impl_;
  std::size_t n = 0;
  while (m.deliver([&](caf::scheduled_actor* a) {
    return !role_matches(role, m.role_of(a->id(), a));
  }))
    ++n;
  return n;
}

void flow_fixture::run_until_idle() {
  for (;;) {
    run_messages();
    std::size_t ran = 0;
    for (auto& entry : impl_->pools)
      ran += run_tasks(entry.first);
    if (ran == 0)
      break;
  }
  drain_events();
}

message_event flow_fixture::run_until(const message_pattern& p) {
  for (;;) {
    if (auto ev = step()) {
      if (p.matches(*ev))
        return *ev;
      continue;
    }
    bool ran = false;
    for (auto& entry : impl_->pools)
      if (run_task(entry.first)) {
        ran = true;
        break;
      }
    if (!ran)
      throw flow_expectation_error{"everything went idle before "
                                   + p.to_string() + "\ntrace:\n"
                                   + excerpt(trace())};
  }
}

void flow_fixture::advance(std::chrono::milliseconds d) {
  auto& m = *impl_;
  m.tap.scan("test");
  m.sched.clock().advance_time(d);
  m.tap.scan("test");
  m.release_held(false);
  run_messages();
}

std::int64_t flow_fixture::now_ms() const {
  return impl_->now_ms();
}

// -- tasks ----------------------------------------------------------------------

std::size_t flow_fixture::queued_tasks(const executor_id& id) const {
  return impl_->pools.at(id)->pending();
}

bool flow_fixture::run_task(const executor_id& id) {
  auto& m = *impl_;
  m.tap.scan("test");
  bool ran = m.pools.at(id)->run_one();
  m.tap.scan("executor:" + id);
  return ran;
}

std::size_t flow_fixture::run_tasks(const executor_id& id) {
  std::size_t n = 0;
  while (run_task(id))
    ++n;
  return n;
}

bool flow_fixture::hang_task(const executor_id& id) {
  return impl_->pools.at(id)->discard_one();
}

// -- expectations ---------------------------------------------------------------

message_event flow_fixture::expect(const message_pattern& p) {
  auto& m = *impl_;
  m.tap.scan("test");
  caf::actor_id chosen = 0;
  std::string seen;
  for (auto* job : m.sched.jobs) {
    auto* a = mailbox_tap::actor_of(job);
    auto* x = a != nullptr ? mailbox_tap::head(a) : nullptr;
    if (x == nullptr || m.quiet.count(a->id()) > 0
        || (x->sender && m.quiet.count(x->sender->id()) > 0))
      continue;
    if (!role_matches(p.receiver(), m.role_of(a->id(), a)))
      continue;
    auto ev = m.describe(a, *x);
    if (p.matches(ev)) {
      chosen = a->id();
      break;
    }
    seen += "\n  " + ev.to_string();
    if (p.receiver().empty())
      break; // only the very next message counts
  }
  if (chosen == 0)
    throw flow_expectation_error{
      "expected " + p.to_string() + " next, but the next message"
      + (p.receiver().empty() ? "" : " to " + p.receiver()) + " is"
      + (seen.empty() ? std::string{" none"} : ":" + seen) + "\ntrace:\n"
      + excerpt(trace())};
  auto ev = m.deliver(
    [chosen](caf::scheduled_actor* a) { return a->id() == chosen; }, false);
  if (!ev)
    throw flow_expectation_error{"expected " + p.to_string()
                                 + ", but it could not be delivered"};
  return *ev;
}

std::vector<message_event> flow_fixture::pending() {
  auto& m = *impl_;
  m.tap.scan("test");
  std::vector<message_event> out;
  for (auto* job : m.sched.jobs)
    if (auto* a = mailbox_tap::actor_of(job))
      for (auto* x : mailbox_tap::messages(a))
        if (m.quiet.count(a->id()) == 0
            && !(x->sender && m.quiet.count(x->sender->id()) > 0))
          out.push_back(m.describe(a, *x));
  return out;
}

void flow_fixture::expect_none(const message_pattern& p) {
  testing::expect_none(trace(), p);
  for (auto& ev : pending())
    if (p.matches(ev))
      throw flow_expectation_error{"expected no " + p.to_string()
                                   + ", but one is waiting: "
                                   + ev.to_string()};
}

std::vector<message_event>
flow_fixture::expect_sequence(const std::vector<message_pattern>& ps) const {
  return testing::expect_sequence(trace(), ps);
}

// -- faults and the test's own messages ---------------------------------------

fault_plan& flow_fixture::faults() {
  return impl_->faults;
}

void flow_fixture::lose_executor(const executor_id& id) {
  impl_->lose_executor(id);
}

void flow_fixture::remove_block(const executor_id& id,
                                const std::string& block) {
  impl_->remove_block(id, block);
}

void flow_fixture::kill_task(const executor_id& id, task_id tid,
                             std::string reason) {
  caf::anon_send(impl_->handles(id).backend,
                 ember::kill_task{tid, true, std::move(reason)});
}

void flow_fixture::send_status_update(const executor_id& executor,
                                      task_id tid, task_state state,
                                      bytes payload) {
  caf::anon_send(impl_->rt->driver(),
                 status_update{executor, tid, state, std::move(payload)});
}

void flow_fixture::name_actor(const caf::actor& a, std::string role) {
  impl_->roles[a.id()] = std::move(role);
}

// -- the trace ------------------------------------------------------------------

const message_trace& flow_fixture::trace() const {
  return impl_->trace;
}

std::size_t flow_fixture::steps() const {
  return impl_->steps;
}

void flow_fixture::clear_trace() {
  impl_->trace.clear();
}

} // namespace ember::testing
