#pragma once
// A pattern over recorded messages, in the protocol's vocabulary:
//
//   msg("launch_task").from("driver").to("executor:1").tid(0)
//   msg("status_update").state("FINISHED").with("result", "indirect")
//
// Every part is optional; an empty pattern matches any message. Rules:
// - type: equal to the event's type (empty: any type);
// - roles: equal, or a role family: "executor" matches "executor:0",
//   "executor:1", ...; "bm" matches every BlockManager;
// - fields: for each `with(key, value)`, the event has field `key` and its
//   value equals `value` or, for a comma-separated list such as the tids of
//   a launch_task ("0,1"), one of its elements is `value`.
//
// Plain C++: no CAF.

#include "testing/trace.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ember::testing {

class message_pattern {
public:
  /// Matches messages of `type`; an empty type matches every type.
  explicit message_pattern(std::string type = {});

  message_pattern& from(std::string role);
  message_pattern& to(std::string role);
  message_pattern& with(std::string key, std::string value);

  /// with("tid", std::to_string(tid)).
  message_pattern& tid(std::int64_t tid);

  /// with("state", state), e.g. "FINISHED".
  message_pattern& state(std::string state);

  /// Only held, dropped or delivered events (default: any).
  message_pattern& as(delivery what);

  bool matches(const message_event& ev) const;

  const std::string& type() const noexcept {
    return type_;
  }

  /// The receiver role, or empty.
  const std::string& receiver() const noexcept {
    return to_;
  }

  /// The sender role, or empty.
  const std::string& sender() const noexcept {
    return from_;
  }

  /// E.g. "status_update from executor:0 to driver with tid=0".
  std::string to_string() const;

private:
  std::string type_;
  std::string from_;
  std::string to_;
  std::vector<message_field> fields_;
  bool any_delivery_ = true;
  delivery what_ = delivery::delivered;
};

/// Shorthand: msg("launch_task").to("executor:0").tid(0).
inline message_pattern msg(std::string type = {}) {
  return message_pattern{std::move(type)};
}

/// Whether `role` is `pattern_role` or a member of that role family
/// ("executor" contains "executor:0"). An empty pattern role matches all.
bool role_matches(std::string_view pattern_role, std::string_view role);

} // namespace ember::testing
