#include "testing/expectations.hpp"

namespace ember::testing {

std::optional<std::size_t> find_event(const message_trace& t,
                                      const message_pattern& p,
                                      std::size_t from) {
  for (auto i = from; i < t.size(); ++i)
    if (p.matches(t[i]))
      return i;
  return std::nullopt;
}

std::vector<message_event> find_all(const message_trace& t,
                                    const message_pattern& p) {
  std::vector<message_event> out;
  for (auto& ev : t.events())
    if (p.matches(ev))
      out.push_back(ev);
  return out;
}

std::size_t count(const message_trace& t, const message_pattern& p) {
  std::size_t n = 0;
  for (auto& ev : t.events())
    n += p.matches(ev) ? 1 : 0;
  return n;
}

std::string excerpt(const message_trace& t, std::size_t max_lines) {
  std::string out;
  std::size_t first = 0;
  if (t.size() > max_lines) {
    first = t.size() - max_lines;
    out += "  ... (" + std::to_string(first) + " earlier messages)\n";
  }
  for (auto i = first; i < t.size(); ++i)
    out += "  " + t[i].to_string() + "\n";
  if (t.empty())
    out += "  (no messages recorded)\n";
  return out;
}

std::vector<message_event>
expect_sequence(const message_trace& t,
                const std::vector<message_pattern>& patterns) {
  std::vector<message_event> matched;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    auto hit = find_event(t, patterns[i], pos);
    if (!hit) {
      std::string what = "expected sequence, item " + std::to_string(i + 1)
                         + " of " + std::to_string(patterns.size())
                         + " not found: " + patterns[i].to_string();
      if (!matched.empty())
        what += "\n  after: " + matched.back().to_string();
      throw flow_expectation_error{what + "\ntrace:\n" + excerpt(t, 200)};
    }
    matched.push_back(t[*hit]);
    pos = *hit + 1;
  }
  return matched;
}

void expect_none(const message_trace& t, const message_pattern& p) {
  if (auto hit = find_event(t, p))
    throw flow_expectation_error{"expected no " + p.to_string()
                                 + ", but found:\n  " + t[*hit].to_string()
                                 + "\ntrace:\n" + excerpt(t)};
}

void expect_count(const message_trace& t, const message_pattern& p,
                  std::size_t n) {
  auto found = count(t, p);
  if (found != n)
    throw flow_expectation_error{
      "expected " + std::to_string(n) + " x " + p.to_string() + ", found "
      + std::to_string(found) + "\ntrace:\n" + excerpt(t, 200)};
}

} // namespace ember::testing
