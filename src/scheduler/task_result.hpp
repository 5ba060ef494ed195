#pragma once
// Task results on the wire, as in Spark's DirectTaskResult and
// IndirectTaskResult.
//
// A FINISHED status update carries one encoded result. The first byte tells
// the kind, so the driver can check sizes without decoding anything:
//
//   direct:   'D' | u64 value size | value bytes | trailer (updates, metrics)
//   indirect: 'I' | cereal(block id, size)
//
// The value is encoded by the task runner straight into the result buffer
// (see `direct_result_writer`), so its bytes are written once and then only
// moved or shared on their way to the driver.

#include "common/bytes.hpp"
#include "scheduler/task_metrics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ember {

inline constexpr char direct_result_tag = 'D';
inline constexpr char indirect_result_tag = 'I';

/// Builds a direct result in one buffer: first the value, then the trailer.
class direct_result_writer {
public:
  direct_result_writer();

  /// The buffer the task's value is appended to.
  std::string& value_buffer() noexcept {
    return buf_;
  }

  /// Appends the trailer and returns the complete result.
  std::string finish(const std::vector<accumulator_update>& updates,
                     const task_metrics& metrics) &&;

private:
  std::string buf_;
};

/// A decoded direct result. `value` shares the storage of the encoded result.
struct direct_task_result {
  bytes value;
  std::vector<accumulator_update> accum_updates;
  task_metrics metrics;
};

/// A result the driver must fetch from a BlockManager. `block_id` is empty
/// when the result was dropped for exceeding max_result_size.
struct indirect_task_result {
  std::string block_id;
  std::int64_t size = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(block_id, size);
  }
};

/// Encodes an indirect result.
std::string encode_indirect_result(const indirect_task_result& x);

/// Whether `payload` is a direct or indirect result; nullopt if neither.
std::optional<char> result_kind(const bytes& payload) noexcept;

/// Decodes a direct result; throws `decode_error` if malformed.
direct_task_result decode_direct_result(const bytes& payload);

/// Decodes an indirect result; throws `decode_error` if malformed.
indirect_task_result decode_indirect_result(const bytes& payload);

/// The block id under which a task's result is stored: "taskresult_<tid>".
std::string task_result_block_id(std::int64_t tid);

} // namespace ember
