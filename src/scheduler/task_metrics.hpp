#pragma once
// Per-task metrics reported by the task runner (and completed on the driver).

#include <cstdint>
#include <string_view>

namespace ember {

/// Where a task's result travelled to the driver.
enum class result_path : std::uint8_t {
  direct,   // inline in the status update
  indirect, // through the executor's BlockManager
  dropped,  // larger than max_result_size: not kept anywhere
};

constexpr std::string_view to_string(result_path p) noexcept {
  switch (p) {
    case result_path::direct:
      return "direct";
    case result_path::indirect:
      return "block-manager";
    case result_path::dropped:
      return "dropped";
  }
  return "?";
}

struct task_metrics {
  std::int64_t executor_deserialize_time_ns = 0;
  std::int64_t executor_run_time_ns = 0;
  std::int64_t result_serialization_time_ns = 0;
  /// Set on the driver side by the result getter: the size of the result as
  /// it was sent (direct) or stored (indirect).
  std::int64_t result_size = 0;
  /// Set on the driver side by the result getter.
  result_path path = result_path::direct;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(executor_deserialize_time_ns, executor_run_time_ns,
       result_serialization_time_ns, result_size, path);
  }
};

/// A partial value of one accumulator, produced by one task attempt.
struct accumulator_update {
  std::int64_t id = 0;
  /// Numeric accumulators add this.
  std::int64_t value = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, value);
  }

  friend bool operator==(const accumulator_update&,
                         const accumulator_update&) = default;
};

} // namespace ember
