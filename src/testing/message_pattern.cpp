#include "testing/message_pattern.hpp"

namespace ember::testing {

namespace {

/// `value` is `wanted`, or one element of the comma-separated `value`.
bool value_matches(std::string_view value, std::string_view wanted) {
  if (value == wanted)
    return true;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    auto end = value.find(',', pos);
    if (end == std::string_view::npos)
      end = value.size();
    if (value.substr(pos, end - pos) == wanted)
      return true;
    pos = end + 1;
  }
  return false;
}

} // namespace

bool role_matches(std::string_view pattern_role, std::string_view role) {
  if (pattern_role.empty() || pattern_role == role)
    return true;
  return role.size() > pattern_role.size()
         && role.substr(0, pattern_role.size()) == pattern_role
         && role[pattern_role.size()] == ':';
}

message_pattern::message_pattern(std::string type) : type_(std::move(type)) {
}

message_pattern& message_pattern::from(std::string role) {
  from_ = std::move(role);
  return *this;
}

message_pattern& message_pattern::to(std::string role) {
  to_ = std::move(role);
  return *this;
}

message_pattern& message_pattern::with(std::string key, std::string value) {
  fields_.push_back({std::move(key), std::move(value)});
  return *this;
}

message_pattern& message_pattern::tid(std::int64_t tid) {
  return with("tid", std::to_string(tid));
}

message_pattern& message_pattern::state(std::string state) {
  return with("state", std::move(state));
}

message_pattern& message_pattern::as(delivery what) {
  any_delivery_ = false;
  what_ = what;
  return *this;
}

bool message_pattern::matches(const message_event& ev) const {
  if (!type_.empty() && type_ != ev.type)
    return false;
  if (!role_matches(from_, ev.from) || !role_matches(to_, ev.to))
    return false;
  if (!any_delivery_ && ev.what != what_)
    return false;
  for (auto& f : fields_) {
    auto* value = ev.field(f.key);
    if (value == nullptr || !value_matches(*value, f.value))
      return false;
  }
  return true;
}

std::string message_pattern::to_string() const {
  std::string out = type_.empty() ? "any message" : type_;
  if (!from_.empty())
    out += " from " + from_;
  if (!to_.empty())
    out += " to " + to_;
  if (!fields_.empty()) {
    out += " with";
    for (auto& f : fields_)
      out += " " + f.key + "=" + f.value;
  }
  if (!any_delivery_)
    out += " [" + std::string{testing::to_string(what_)} + "]";
  return out;
}

} // namespace ember::testing
