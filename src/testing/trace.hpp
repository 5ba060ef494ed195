#pragma once
// The recorded trace of a flow test: every protocol message the fixture
// delivered (or dropped, or held back), in delivery order.
//
// An event names the sender and receiver by role ("driver", "dag",
// "getter", "executor:<id>", "bm:<id>", "test"), the message by its type
// ("launch_task", "status_update", "get_block", ...) and carries the key
// fields of the message as text ("tid" -> "0", "state" -> "FINISHED").
// Logical time is the step (the number of deliveries so far, from 1) and
// the test clock in milliseconds since the fixture started. A trace holds
// no wall-clock values and no addresses: the same test gives the same
// trace, byte for byte.
//
// Plain C++: no CAF.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ember::testing {

/// One key field of a message, e.g. {"tid", "0"}.
struct message_field {
  std::string key;
  std::string value;

  friend bool operator==(const message_field&, const message_field&)
    = default;
};

/// What the fixture did with a message.
enum class delivery {
  /// The receiver handled it.
  delivered,
  /// A fault rule removed it: the receiver never sees it.
  dropped,
  /// A fault rule took it out of the mailbox; it comes back later (and is
  /// then recorded again as delivered).
  held,
};

std::string_view to_string(delivery x) noexcept;

struct message_event {
  /// Deliveries so far, including this one (held and dropped messages
  /// count too); 1 for the first recorded message.
  std::size_t step = 0;
  /// The test clock, in milliseconds since the fixture started.
  std::int64_t time_ms = 0;
  std::string from;
  std::string to;
  std::string type;
  std::vector<message_field> fields;
  delivery what = delivery::delivered;

  /// The value of field `key`, or nullptr.
  const std::string* field(std::string_view key) const noexcept;

  /// "type k=v k=v" (no step, no roles).
  std::string label() const;

  /// One line: "#12 t=0ms executor:0 -> driver status_update tid=0 ...",
  /// with " [dropped]" or " [held]" appended when not delivered.
  std::string to_string() const;

  friend bool operator==(const message_event&, const message_event&)
    = default;
};

class message_trace {
public:
  void add(message_event ev);

  void clear() noexcept {
    events_.clear();
  }

  const std::vector<message_event>& events() const noexcept {
    return events_;
  }

  std::size_t size() const noexcept {
    return events_.size();
  }

  bool empty() const noexcept {
    return events_.empty();
  }

  const message_event& operator[](std::size_t i) const {
    return events_.at(i);
  }

  /// Every event, one line each (message_event::to_string), each line
  /// ending in '\n'.
  std::string to_text() const;

  /// The roles that appear, in a stable order: test, dag, driver, getter,
  /// then each executor followed by its BlockManager (ids sorted), then
  /// any other role in order of appearance.
  std::vector<std::string> roles() const;

private:
  std::vector<message_event> events_;
};

} // namespace ember::testing
