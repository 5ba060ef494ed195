#pragma once
// Expectations over a recorded trace. Each throws flow_expectation_error
// when it does not hold, with a message that shows the expectation and the
// trace, so a failing flow test explains itself in any test framework.
//
//   expect_sequence(t, {msg("launch_task").tid(0),
//                       msg("status_update").tid(0).state("RUNNING"),
//                       msg("status_update").tid(0).state("FINISHED")});
//   expect_none(t, msg("kill_task"));
//
// Plain C++: no CAF.

#include "testing/message_pattern.hpp"
#include "testing/trace.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember::testing {

class flow_expectation_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The index of the first event at or after `from` matching `p`.
std::optional<std::size_t> find_event(const message_trace& t,
                                      const message_pattern& p,
                                      std::size_t from = 0);

/// The events matching `p`, in order.
std::vector<message_event> find_all(const message_trace& t,
                                    const message_pattern& p);

/// How many events match `p`.
std::size_t count(const message_trace& t, const message_pattern& p);

/// `patterns` match events of `t` in this order (other events may come in
/// between). Returns the matched events.
std::vector<message_event>
expect_sequence(const message_trace& t,
                const std::vector<message_pattern>& patterns);

/// No event of `t` matches `p`.
void expect_none(const message_trace& t, const message_pattern& p);

/// Exactly `n` events of `t` match `p`.
void expect_count(const message_trace& t, const message_pattern& p,
                  std::size_t n);

/// `t` as text for error messages: the whole trace, or its last
/// `max_lines` lines with a note on how many were left out.
std::string excerpt(const message_trace& t, std::size_t max_lines = 40);

} // namespace ember::testing
