#include "testing/message_catalog.hpp"

#include "actors/actor_types.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_result.hpp"
#include "storage/block_messages.hpp"

#include <caf/all.hpp>

namespace ember::testing {

namespace {

using fields = std::vector<message_field>;

std::string num(std::int64_t x) {
  return std::to_string(x);
}

std::string flag(bool x) {
  return x ? "true" : "false";
}

std::string state_of(task_state s) {
  return std::string{to_string(s)};
}

/// "exit" reasons print as their name ("kill"), other errors as CAF does.
std::string reason_text(const caf::error& err) {
  if (!err)
    return "none";
  if (err.category() == caf::atom("exit"))
    return caf::to_string(static_cast<caf::exit_reason>(err.code()));
  return redact_paths(caf::to_string(err));
}

/// The result kind, size and block of a FINISHED payload.
void describe_result(const bytes& payload, fields& out) {
  auto kind = result_kind(payload);
  if (!kind) {
    out.push_back({"result", "malformed"});
    return;
  }
  if (*kind == direct_result_tag) {
    out.push_back({"result", "direct"});
    out.push_back({"size", num(static_cast<std::int64_t>(payload.size()))});
    return;
  }
  try {
    auto ind = decode_indirect_result(payload);
    out.push_back({"result", ind.block_id.empty() ? "dropped" : "indirect"});
    out.push_back({"size", num(ind.size)});
    if (!ind.block_id.empty())
      out.push_back({"block", ind.block_id});
  } catch (const std::exception&) {
    out.push_back({"result", "malformed"});
  }
}

template <class T>
using describer = void (*)(const T&, fields&, const role_namer&);

/// One row of the table: describes `m` into `out` if it holds its type.
using entry = std::function<bool(const caf::type_erased_tuple& m,
                                 message_description& out,
                                 const role_namer& role_of)>;

template <class T>
void add(std::vector<entry>& table, const char* name, describer<T> f) {
  table.push_back([name, f](const caf::type_erased_tuple& m,
                            message_description& out,
                            const role_namer& role_of) {
    if (!m.match_elements<T>())
      return false;
    out.type = name;
    f(m.get_as<T>(0), out.fields, role_of);
    return true;
  });
}

std::vector<entry> make_table() {
  std::vector<entry> t;
  // -- driver <-> executors (messages.hpp) ------------------------------------
  add<register_executor>(t, "register_executor",
                         [](auto& x, fields& out, auto&) {
                           out.push_back({"executor", x.id});
                           out.push_back({"cores", num(x.cores)});
                         });
  add<register_executor_reply>(t, "register_executor_reply",
                               [](auto& x, fields& out, auto&) {
                                 out.push_back({"ok", flag(x.ok)});
                                 if (!x.error.empty())
                                   out.push_back({"error", x.error});
                               });
  add<launch_task>(t, "launch_task", [](auto& x, fields& out, auto&) {
    std::string tids;
    std::string parts;
    for (auto& task : x.tasks) {
      tids += (tids.empty() ? "" : ",") + num(task.tid);
      parts += (parts.empty() ? "" : ",") + num(task.partition);
    }
    out.push_back({"tid", tids});
    if (!x.tasks.empty())
      out.push_back({"stage", num(x.tasks[0].stage) + "."
                                + num(x.tasks[0].stage_attempt)});
    out.push_back({"partition", parts});
  });
  add<kill_task>(t, "kill_task", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
    out.push_back({"reason", redact_paths(x.reason)});
  });
  add<stop_executor>(t, "stop_executor", [](auto& x, fields& out, auto&) {
    out.push_back({"reason", redact_paths(x.reason)});
  });
  add<status_update>(t, "status_update", [](auto& x, fields& out, auto&) {
    out.push_back({"executor", x.executor});
    out.push_back({"tid", num(x.tid)});
    out.push_back({"state", state_of(x.state)});
    if (x.state == task_state::finished)
      describe_result(x.payload, out);
    else if (is_failed(x.state))
      out.push_back({"reason", std::string{reason_name(
                                 decode_end_reason(x.payload.view()))}});
  });
  add<revive_offers>(t, "revive_offers", [](auto&, fields&, auto&) {});
  add<peer_block_managers>(t, "peer_block_managers",
                           [](auto& x, fields& out, auto&) {
                             std::string ids;
                             for (auto& p : x.peers)
                               ids += (ids.empty() ? "" : ",") + p.id;
                             out.push_back({"peers", ids});
                           });
  // -- inside the executor and the driver (internal_messages.hpp) ------------
  add<task_finished>(t, "task_finished", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.outcome.tid)});
    out.push_back({"state", state_of(x.outcome.state)});
    if (!x.outcome.blocks.empty())
      out.push_back({"blocks", num(static_cast<std::int64_t>(
                                 x.outcome.blocks.size()))});
  });
  add<shuffle_batch_consumed>(t, "shuffle_batch_consumed",
                              [](auto& x, fields& out, auto&) {
                                out.push_back({"tid", num(x.tid)});
                                if (!x.error.empty())
                                  out.push_back({"error", x.error});
                              });
  add<fetch_result>(t, "fetch_result", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
    out.push_back({"executor", x.executor});
    describe_result(x.payload, out);
  });
  add<decode_failure>(t, "decode_failure", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
    out.push_back({"state", state_of(x.state)});
  });
  add<result_fetched>(t, "result_fetched", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
    out.push_back({"size", num(x.result.metrics.result_size)});
  });
  add<result_getting>(t, "result_getting", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
  });
  add<task_failed>(t, "task_failed", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
    out.push_back({"state", state_of(x.state)});
    out.push_back({"reason", std::string{reason_name(x.reason)}});
  });
  add<abort_task_set>(t, "abort_task_set", [](auto& x, fields& out, auto&) {
    out.push_back({"tid", num(x.tid)});
    out.push_back({"message", redact_paths(x.message)});
  });
  add<submit_task_set>(t, "submit_task_set", [](auto& x, fields& out, auto&) {
    out.push_back({"stage", x.tasks.id()});
    out.push_back({"tasks", num(static_cast<std::int64_t>(
                              x.tasks.tasks.size()))});
  });
  add<cancel_stage>(t, "cancel_stage", [](auto& x, fields& out, auto&) {
    out.push_back({"stage", num(x.stage)});
    out.push_back({"reason", redact_paths(x.reason)});
  });
  add<remove_shuffle>(t, "remove_shuffle", [](auto& x, fields& out, auto&) {
    out.push_back({"shuffle", num(x.shuffle)});
  });
  add<resubmit_failed_stages>(t, "resubmit_failed_stages",
                              [](auto&, fields&, auto&) {});
  add<remove_executor>(t, "remove_executor", [](auto& x, fields& out, auto&) {
    out.push_back({"executor", x.id});
    out.push_back({"reason", redact_paths(x.reason)});
  });
  add<task_started_event>(t, "task_started_event",
                          [](auto& x, fields& out, auto&) {
                            out.push_back({"tid", num(x.info.tid)});
                            out.push_back({"executor", x.info.executor});
                          });
  add<task_getting_result_event>(t, "task_getting_result_event",
                                 [](auto& x, fields& out, auto&) {
                                   out.push_back({"tid", num(x.info.tid)});
                                 });
  add<task_set_failed_event>(t, "task_set_failed_event",
                             [](auto& x, fields& out, auto&) {
                               out.push_back({"stage",
                                              num(x.stage) + "."
                                                + num(x.stage_attempt)});
                               out.push_back({"reason",
                                              redact_paths(x.reason)});
                             });
  add<executor_added_event>(t, "executor_added_event",
                            [](auto& x, fields& out, auto&) {
                              out.push_back({"executor", x.id});
                              out.push_back({"cores", num(x.cores)});
                            });
  add<executor_lost_event>(t, "executor_lost_event",
                           [](auto& x, fields& out, auto&) {
                             out.push_back({"executor", x.id});
                             out.push_back({"reason", redact_paths(x.reason)});
                           });
  add<submit_job>(t, "submit_job", [](auto& x, fields& out, auto&) {
    out.push_back({"name", x.spec.name});
    out.push_back({"function", x.spec.plan ? x.spec.result_function
                                           : x.spec.function});
    out.push_back({"partitions", num(x.spec.partitions())});
  });
  add<cancel_job>(t, "cancel_job", [](auto& x, fields& out, auto&) {
    out.push_back({"job", num(x.id)});
    out.push_back({"reason", redact_paths(x.reason)});
  });
  add<completion_event>(t, "completion_event",
                        [](auto& x, fields& out, auto&) {
                          out.push_back({"tid", num(x.info.tid)});
                          out.push_back({"partition", num(x.info.partition)});
                          out.push_back({"reason",
                                         std::string{reason_name(x.reason)}});
                        });
  add<attach_driver>(t, "attach_driver", [](auto&, fields&, auto&) {});
  // -- BlockManager (block_messages.hpp) -------------------------------------
  add<put_block>(t, "put_block", [](auto& x, fields& out, auto&) {
    out.push_back({"block", x.id});
    out.push_back({"size", num(static_cast<std::int64_t>(x.data.size()))});
    out.push_back({"level", to_string(x.level)});
  });
  add<put_block_result>(t, "put_block_result",
                        [](auto& x, fields& out, auto&) {
                          out.push_back({"ok", flag(x.ok)});
                          if (!x.error.empty())
                            out.push_back({"error", redact_paths(x.error)});
                        });
  add<get_block>(t, "get_block", [](auto& x, fields& out, auto&) {
    out.push_back({"block", x.id});
  });
  add<get_block_result>(t, "get_block_result",
                        [](auto& x, fields& out, auto&) {
                          out.push_back({"found", flag(x.found)});
                          if (x.found)
                            out.push_back(
                              {"size",
                               num(static_cast<std::int64_t>(x.data.size()))});
                          if (!x.error.empty())
                            out.push_back({"error", redact_paths(x.error)});
                        });
  add<remove_block>(t, "remove_block", [](auto& x, fields& out, auto&) {
    out.push_back({"block", x.id});
  });
  add<contains_block>(t, "contains_block", [](auto& x, fields& out, auto&) {
    out.push_back({"block", x.id});
  });
  add<remove_blocks_with_prefix>(t, "remove_blocks_with_prefix",
                                 [](auto& x, fields& out, auto&) {
                                   out.push_back({"prefix", x.prefix});
                                 });
  // -- replies and CAF's system messages -------------------------------------
  add<std::uint64_t>(t, "count", [](auto& x, fields& out, auto&) {
    out.push_back({"value", num(static_cast<std::int64_t>(x))});
  });
  add<bool>(t, "bool", [](auto& x, fields& out, auto&) {
    out.push_back({"value", flag(x)});
  });
  add<caf::error>(t, "error", [](auto& x, fields& out, auto&) {
    out.push_back({"reason", reason_text(x)});
  });
  add<caf::exit_msg>(t, "exit", [](auto& x, fields& out, auto& role_of) {
    out.push_back({"reason", reason_text(x.reason)});
    out.push_back({"source", role_of(x.source)});
  });
  add<caf::down_msg>(t, "down", [](auto& x, fields& out, auto& role_of) {
    out.push_back({"reason", reason_text(x.reason)});
    out.push_back({"source", role_of(x.source)});
  });
  return t;
}

} // namespace

std::string redact_paths(std::string text) {
  std::size_t pos = 0;
  while ((pos = text.find("'/", pos)) != std::string::npos) {
    auto end = text.find('\'', pos + 1);
    if (end == std::string::npos)
      break;
    text.replace(pos, end - pos + 1, "'<path>'");
    pos += 8;
  }
  return text;
}

message_description describe_message(const caf::type_erased_tuple& content,
                                     const role_namer& role_of) {
  static const std::vector<entry> table = make_table();
  message_description out;
  for (auto& describe : table)
    if (describe(content, out, role_of))
      return out;
  out.type = "message";
  out.fields.push_back({"content", redact_paths(caf::to_string(content))});
  return out;
}

} // namespace ember::testing
