#include "testing/trace.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace ember::testing {

std::string_view to_string(delivery x) noexcept {
  switch (x) {
    case delivery::delivered:
      return "delivered";
    case delivery::dropped:
      return "dropped";
    case delivery::held:
      return "held";
  }
  return "unknown";
}

const std::string* message_event::field(std::string_view key) const noexcept {
  for (auto& f : fields)
    if (f.key == key)
      return &f.value;
  return nullptr;
}

std::string message_event::label() const {
  std::string out = type;
  for (auto& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    out += f.value;
  }
  return out;
}

std::string message_event::to_string() const {
  std::string out = "#" + std::to_string(step) + " t="
                    + std::to_string(time_ms) + "ms " + from + " -> " + to
                    + " " + label();
  if (what != delivery::delivered) {
    out += " [";
    out += testing::to_string(what);
    out += ']';
  }
  return out;
}

void message_trace::add(message_event ev) {
  events_.push_back(std::move(ev));
}

std::string message_trace::to_text() const {
  std::string out;
  for (auto& ev : events_) {
    out += ev.to_string();
    out += '\n';
  }
  return out;
}

namespace {

/// Sort key of a role: fixed roles first, then executors with their
/// BlockManagers, then everything else by first appearance.
struct role_key {
  int group = 0;
  std::string id;
  int sub = 0;
  std::size_t first_seen = 0;

  auto tie() const {
    return std::tie(group, id, sub, first_seen);
  }
  bool operator<(const role_key& other) const {
    return tie() < other.tie();
  }
};

role_key key_of(const std::string& role, std::size_t first_seen) {
  static const std::map<std::string, int, std::less<>> fixed{
    {"test", 0}, {"dag", 1}, {"driver", 2}, {"getter", 3}};
  if (auto it = fixed.find(role); it != fixed.end())
    return {it->second, {}, 0, 0};
  auto starts = [&](std::string_view prefix) {
    return role.size() > prefix.size()
           && role.compare(0, prefix.size(), prefix) == 0;
  };
  if (starts("executor:"))
    return {4, role.substr(9), 0, 0};
  if (starts("bm:"))
    return {4, role.substr(3), 1, 0};
  return {5, {}, 0, first_seen};
}

} // namespace

std::vector<std::string> message_trace::roles() const {
  std::map<std::string, std::size_t> first;
  std::size_t n = 0;
  for (auto& ev : events_) {
    first.emplace(ev.from, n++);
    first.emplace(ev.to, n++);
  }
  std::vector<std::pair<role_key, std::string>> keyed;
  for (auto& [role, seen] : first)
    keyed.emplace_back(key_of(role, seen), role);
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  for (auto& [key, role] : keyed)
    out.push_back(role);
  return out;
}

} // namespace ember::testing
