#include "testing/mailbox_tap.hpp"

#include <caf/all.hpp>

#include <set>

namespace ember::testing::detail {

namespace {

// Ember's actors use the urgent and normal queues only (no streams).
auto& urgent_queue(caf::scheduled_actor* a) {
  return std::get<caf::scheduled_actor::urgent_queue_index>(
    a->mailbox().queue().queues());
}

auto& normal_queue(caf::scheduled_actor* a) {
  return std::get<caf::scheduled_actor::normal_queue_index>(
    a->mailbox().queue().queues());
}

} // namespace

std::vector<caf::mailbox_element*>
mailbox_tap::messages(caf::scheduled_actor* a) {
  std::vector<caf::mailbox_element*> out;
  if (a->mailbox().closed() || a->mailbox().blocked())
    return out;
  a->mailbox().fetch_more();
  auto collect = [&](const caf::mailbox_element& x) {
    out.push_back(const_cast<caf::mailbox_element*>(&x));
  };
  urgent_queue(a).peek_all(collect);
  normal_queue(a).peek_all(collect);
  return out;
}

caf::mailbox_element_ptr mailbox_tap::take_head(caf::scheduled_actor* a) {
  auto* x = head(a);
  if (x == nullptr)
    return nullptr;
  caf::mailbox_element_ptr result;
  if (urgent_queue(a).peek() == x)
    result = urgent_queue(a).take_front();
  else if (normal_queue(a).peek() == x)
    result = normal_queue(a).take_front();
  if (result)
    entries_[result.get()].pinned = true;
  return result;
}

std::vector<caf::mailbox_element_ptr>
mailbox_tap::take_all(caf::scheduled_actor* a) {
  std::vector<caf::mailbox_element_ptr> out;
  while (auto x = take_head(a))
    out.push_back(std::move(x));
  return out;
}

void mailbox_tap::put_back(const caf::strong_actor_ptr& receiver,
                           caf::mailbox_element_ptr x) {
  if (auto it = entries_.find(x.get()); it != entries_.end())
    it->second.pinned = false;
  receiver->get()->enqueue(std::move(x), nullptr);
}

void mailbox_tap::scan(const std::string& origin) {
  std::set<const caf::mailbox_element*> present;
  for (auto* job : sched_.jobs)
    if (auto* a = actor_of(job))
      for (auto* x : messages(a)) {
        present.insert(x);
        entries_.emplace(x, entry{origin, false, false});
      }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.pinned && present.count(it->first) == 0)
      it = entries_.erase(it);
    else
      ++it;
  }
}

std::string mailbox_tap::origin_of(const caf::mailbox_element* x) const {
  if (auto it = entries_.find(x); it != entries_.end())
    return it->second.origin;
  return "test";
}

bool mailbox_tap::check_and_mark(const caf::mailbox_element* x) {
  auto& e = entries_[x];
  if (e.origin.empty())
    e.origin = "test";
  auto was = e.consulted;
  e.consulted = true;
  return was;
}

} // namespace ember::testing::detail
