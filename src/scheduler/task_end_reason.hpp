#pragma once
// Why a task attempt ended, as in Spark's TaskEndReason.
//
// `success`, `resubmitted` (a finished map task whose output was lost),
// `fetch_failed`, `exception_failure`, `task_result_lost`, `task_killed`,
// `executor_lost_failure` and `unknown_reason`. Failure reasons travel from
// the executor to the driver encoded with `encode_end_reason`; a payload that
// cannot be decoded becomes `unknown_reason`, never an error.

#include "common/ids.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace ember {

struct success_reason {
  template <class Archive>
  void serialize(Archive&) {
  }
};

struct resubmitted_reason {
  template <class Archive>
  void serialize(Archive&) {
  }
};

struct fetch_failed_reason {
  executor_id executor; // owner of the missing block ("" if unknown)
  std::string host;
  shuffle_id shuffle = -1;
  std::int64_t map_id = -1;
  std::int32_t map_index = -1;
  std::int32_t reduce_id = -1;
  std::string message;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(executor, host, shuffle, map_id, map_index, reduce_id, message);
  }
};

struct exception_failure_reason {
  std::string class_name;  // e.g. "std::runtime_error"
  std::string description; // the exception's what()
  std::string stack;       // optional extra detail

  template <class Archive>
  void serialize(Archive& ar) {
    ar(class_name, description, stack);
  }
};

struct task_result_lost_reason {
  template <class Archive>
  void serialize(Archive&) {
  }
};

struct task_killed_reason {
  std::string reason;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(reason);
  }
};

struct executor_lost_failure_reason {
  executor_id executor;
  bool exit_caused_by_app = true;
  std::string reason;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(executor, exit_caused_by_app, reason);
  }
};

struct unknown_reason {
  template <class Archive>
  void serialize(Archive&) {
  }
};

using task_end_reason
  = std::variant<success_reason, resubmitted_reason, fetch_failed_reason,
                 exception_failure_reason, task_result_lost_reason,
                 task_killed_reason, executor_lost_failure_reason,
                 unknown_reason>;

/// Whether a failure with this reason counts towards `max_task_failures`.
/// Killed attempts, fetch failures and executor losses not caused by the
/// application do not count (as in Spark).
bool counts_towards_task_failures(const task_end_reason& reason) noexcept;

/// Spark's `toErrorString`: a one-line description for logs and aborts.
std::string to_error_string(const task_end_reason& reason);

/// The reason's name ("Success", "FetchFailed", ...).
std::string_view reason_name(const task_end_reason& reason) noexcept;

/// Encodes a reason for a FAILED / KILLED status update.
std::string encode_end_reason(const task_end_reason& reason);

/// Decodes a reason; malformed or empty input yields `unknown_reason`.
task_end_reason decode_end_reason(std::string_view payload) noexcept;

} // namespace ember
