#pragma once
// Names and key fields of the messages Ember's actors exchange, as a flow
// trace shows them. One table, keyed by the type of a message's content:
//
//   launch_task        tid (comma list), stage, partition
//   status_update      executor, tid, state; FINISHED: result (direct,
//                      indirect, dropped, malformed), size, block;
//                      FAILED / KILLED / LOST: reason (its name)
//   get_block ...      block; get_block_result: found, size, error
//   ...                (see message_catalog.cpp for every type)
//
// CAF's system messages are "exit" and "down" (reason, source) and error
// responses "error"; any other content is "message" with CAF's rendering.
// Free text (reasons, errors) has absolute paths in quotes replaced by
// '<path>', so temp directories never reach a trace.

#include "testing/trace.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace ember::testing {

struct message_description {
  std::string type;
  std::vector<message_field> fields;
};

/// Names an actor by its role (for fields that refer to actors).
using role_namer = std::function<std::string(const caf::actor_addr&)>;

message_description describe_message(const caf::type_erased_tuple& content,
                                     const role_namer& role_of);

/// `text` with every quoted absolute path ('/...') replaced by '<path>'.
std::string redact_paths(std::string text);

} // namespace ember::testing
